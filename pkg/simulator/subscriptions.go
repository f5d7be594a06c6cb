package simulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
)

// maxCombinedTopic is the longest combined topic ("v2.users.<id>?presence&routingStatus").
const maxCombinedTopic = 200

type topicRef struct {
	ID string `json:"id"`
}

// subscriptionEntity is one topic of a subscriptions response (field for field).
type subscriptionEntity struct {
	ID                 string   `json:"id"`
	State              string   `json:"state"`
	RejectionReason    string   `json:"rejectionReason,omitempty"`
	MissingPermissions []string `json:"missingPermissions,omitempty"`
}

// expandTopic turns a combined topic into its sub-topics; other topics come back alone.
func expandTopic(id string) ([]string, error) {
	base, subs, ok := strings.Cut(id, "?")
	if !ok {
		return []string{id}, nil
	}
	if len(id) > maxCombinedTopic {
		return nil, fmt.Errorf("combined topic %q is longer than %d characters", id, maxCombinedTopic)
	}
	var out []string
	for _, sub := range strings.Split(subs, "&") {
		if sub == "" {
			return nil, fmt.Errorf("combined topic %q has an empty sub-topic", id)
		}
		out = append(out, base+"."+sub)
	}
	return out, nil
}

func (s *Server) handleSubscriptions(w http.ResponseWriter, r *http.Request) {
	t := s.authenticate(w, r)
	if t == nil {
		return
	}
	id := r.PathValue("id")
	ch := s.lookupChannel(id, t)
	rec := Record{Kind: "subscribe", Channel: id, Token: t.hash, Detail: r.Method}
	if ch == nil {
		rec.Status = 404
		s.record(rec)
		s.writeError(w, 404, "", "Channel "+id+" not found")
		return
	}
	var entities []subscriptionEntity
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		var status int
		var msg string
		entities, status, msg = s.changeSubscriptions(ch, r)
		if status != 200 {
			rec.Status, rec.Detail = status, r.Method+": "+msg
			s.record(rec)
			s.writeSubscriptionError(w, status, msg)
			return
		}
	}
	now := s.clock.Now()
	s.mu.Lock()
	ch.lastUsed = now
	if r.Method == http.MethodDelete {
		ch.topics = map[string]string{}
	}
	current := ch.topicList()
	s.mu.Unlock()
	rec.Status, rec.Detail = 200, fmt.Sprintf("%s %d topics", r.Method, len(current))
	if r.Method == http.MethodDelete {
		rec.Status = 204
		s.record(rec)
		w.WriteHeader(204)
		return
	}
	s.record(rec)
	out := make([]subscriptionEntity, 0, len(current)+len(entities))
	for _, topic := range current {
		out = append(out, subscriptionEntity{ID: topic, State: "Permitted"})
	}
	for _, e := range entities {
		if e.State == "Rejected" {
			out = append(out, e)
		}
	}
	writeJSON(w, 200, map[string]any{"entities": out})
}

func (s *Server) writeSubscriptionError(w http.ResponseWriter, status int, msg string) {
	code := ""
	if status == 403 {
		code = "missing.any.permissions"
	}
	s.writeError(w, status, code, msg)
}

// changeSubscriptions applies a POST (add) or PUT (replace) and extends the channel's life.
// It returns the per-topic verdicts, or a non-200 status with the reason.
func (s *Server) changeSubscriptions(ch *channel, r *http.Request) ([]subscriptionEntity, int, string) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		return nil, 400, "could not read the request body"
	}
	var refs []topicRef
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := json.Unmarshal(body, &refs); err != nil {
			return nil, 400, `the body must be a JSON array like [{"id":"v2.users.<id>.presence"}]`
		}
	}
	ids := make([]string, 0, len(refs))
	for _, ref := range refs {
		ids = append(ids, ref.ID)
	}
	ignore := strings.EqualFold(r.URL.Query().Get("ignoreErrors"), "true")
	return s.applyTopics(ch, ids, r.Method == http.MethodPut, ignore)
}

// applyTopics adds ids to the channel's topics (or replaces them all when replace) and
// extends the channel's life. Without ignore, one invalid (400) or forbidden (403) topic
// fails the whole change; with it, each topic gets its own verdict.
func (s *Server) applyTopics(ch *channel, ids []string, replace, ignore bool) ([]subscriptionEntity, int, string) {
	var verdicts []subscriptionEntity
	permitted := map[string]string{}
	var forbidden, invalid []string
	var missing []string
	for _, id := range ids {
		topics, err := expandTopic(id)
		if err != nil {
			return nil, 400, err.Error()
		}
		for _, topic := range topics {
			v := s.judgeTopic(topic)
			verdicts = append(verdicts, v)
			switch {
			case v.State == "Permitted":
				permitted[strings.ToLower(topic)] = topic
			case len(v.MissingPermissions) > 0:
				forbidden = append(forbidden, topic)
				missing = append(missing, v.MissingPermissions...)
			default:
				invalid = append(invalid, topic)
			}
		}
	}
	if !ignore && len(invalid) > 0 {
		return nil, 400, "invalid topic(s): " + strings.Join(invalid, ", ")
	}
	if !ignore && len(forbidden) > 0 {
		sort.Strings(missing)
		return nil, 403, fmt.Sprintf("Unable to subscribe to %s. You are missing the following permission(s): %v",
			strings.Join(forbidden, ", "), dedupe(missing))
	}
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	next := permitted
	if !replace {
		next = map[string]string{}
		for k, v := range ch.topics {
			next[k] = v
		}
		for k, v := range permitted {
			next[k] = v
		}
	}
	if len(next) > s.cfg.MaxTopicsPerChannel {
		return nil, 400, fmt.Sprintf("a channel can have at most %d topics; this request would leave %d",
			s.cfg.MaxTopicsPerChannel, len(next))
	}
	ch.topics = next
	ch.expires = now.Add(s.cfg.ChannelLifetime)
	return verdicts, 200, ""
}

// removeTopics drops ids (combined topics expanded, case-insensitive) from the channel and
// returns the ones it was subscribed to.
func (s *Server) removeTopics(ch *channel, ids []string) ([]string, int, string) {
	var lower []string
	for _, id := range ids {
		topics, err := expandTopic(id)
		if err != nil {
			return nil, 400, err.Error()
		}
		for _, t := range topics {
			lower = append(lower, strings.ToLower(t))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var removed []string
	for _, l := range lower {
		if t, ok := ch.topics[l]; ok {
			removed = append(removed, t)
			delete(ch.topics, l)
		}
	}
	return removed, 200, ""
}

// judgeTopic says whether topic may be subscribed over the socket.
func (s *Server) judgeTopic(topic string) subscriptionEntity {
	lower := strings.ToLower(topic)
	for _, pattern := range s.forbiddenOrder {
		perms := s.cfg.Forbidden[pattern]
		if topicMatches(strings.ToLower(pattern), lower) {
			return subscriptionEntity{ID: topic, State: "Rejected", RejectionReason: "Missing permissions",
				MissingPermissions: append([]string{}, perms...)}
		}
	}
	if !socketTopicKnown(lower) {
		return subscriptionEntity{ID: topic, State: "Rejected", RejectionReason: "Invalid topic"}
	}
	return subscriptionEntity{ID: topic, State: "Permitted"}
}

// topicMatches reports whether a lower-case topic fits a lower-case pattern where "{id}"
// (or any "{name}") stands for exactly one dot-separated segment.
func topicMatches(pattern, topic string) bool {
	ps, ts := strings.Split(pattern, "."), strings.Split(topic, ".")
	if len(ps) != len(ts) {
		return false
	}
	for i, p := range ps {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if ts[i] == "" {
				return false
			}
			continue
		}
		if p != ts[i] {
			return false
		}
	}
	return true
}

func dedupe(in []string) []string {
	var out []string
	for i, v := range in {
		if i == 0 || v != in[i-1] {
			out = append(out, v)
		}
	}
	return out
}
