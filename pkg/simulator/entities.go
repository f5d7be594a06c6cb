package simulator

import (
	"net/http"
	"strings"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator/generator"
)

// userContextRequired is the service's answer to a user-only resource (/users/me) called
// with a client-credentials token, which has no user behind it.
const userContextRequired = "This request requires a user context. Client credentials cannot be used for requests to this resource."

// handleQueues serves GET /api/v2/routing/queues: name (contains, '*' wildcard), id and
// divisionId (comma-separated or repeated), sortOrder asc|desc by name.
func (s *Server) handleQueues(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	desc, ok := sortDescending(q.Get("sortOrder"), "asc", "desc")
	if !ok {
		s.writeError(w, 400, "bad.request", "sortOrder must be asc or desc")
		return
	}
	ids, divisions := listParam(q, "id"), listParam(q, "divisionId")
	s.servePage(w, r, "queues", func() []map[string]any {
		var items []map[string]any
		for i := range s.pop.Queues {
			qu := &s.pop.Queues[i]
			if nameMatches(q.Get("name"), qu.Name) && inFilter(ids, qu.ID) && inFilter(divisions, s.pop.DivisionID) {
				items = append(items, s.queueBody(qu))
			}
		}
		return sortByName(items, desc)
	})
}

// handleQueue serves GET /api/v2/routing/queues/{id}.
func (s *Server) handleQueue(w http.ResponseWriter, r *http.Request) {
	s.serveOne(w, r, "queue", "Queue", func(id string) (map[string]any, bool) {
		for i := range s.pop.Queues {
			if s.pop.Queues[i].ID == id {
				return s.queueBody(&s.pop.Queues[i]), true
			}
		}
		return nil, false
	})
}

// handleUsers serves GET /api/v2/users: id (comma-separated or repeated), state
// active|inactive|deleted|any (default active), sortOrder ascending|descending by name,
// expand (presence, routingStatus, outOfOffice; others are ignored, as the service
// resolves expansions on a best-effort basis).
func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	desc, ok := sortDescending(q.Get("sortOrder"), "ascending", "descending")
	if !ok {
		s.writeError(w, 400, "bad.request", "sortOrder must be ascending or descending")
		return
	}
	state := strings.ToLower(q.Get("state"))
	switch state {
	case "":
		state = "active"
	case "active", "inactive", "deleted", "any":
	default:
		s.writeError(w, 400, "bad.request", "state must be one of active, inactive, deleted, any")
		return
	}
	ids, expand := listParam(q, "id"), listParam(q, "expand")
	s.servePage(w, r, "users_list", func() []map[string]any {
		var items []map[string]any
		for i := range s.pop.Agents {
			a := &s.pop.Agents[i]
			// every simulated user is active
			if inFilter(ids, a.ID) && (state == "active" || state == "any") {
				items = append(items, s.userBody(a, expand))
			}
		}
		return sortByName(items, desc)
	})
}

// handleUser serves GET /api/v2/users/{id} (with expand).
func (s *Server) handleUser(w http.ResponseWriter, r *http.Request) {
	expand := listParam(r.URL.Query(), "expand")
	s.serveOne(w, r, "user", "User", func(id string) (map[string]any, bool) {
		for i := range s.pop.Agents {
			if a := &s.pop.Agents[i]; a.ID == id {
				return s.userBody(a, expand), true
			}
		}
		return nil, false
	})
}

// serveOne is the shared shape of the single-entity lookups: authenticate, find the
// path's {id}, record the call, answer the entity or the service's 404.
func (s *Server) serveOne(w http.ResponseWriter, r *http.Request, kind, noun string, find func(id string) (map[string]any, bool)) {
	t := s.authenticate(w, r)
	if t == nil {
		return
	}
	id := r.PathValue("id")
	body, ok := find(id)
	if !ok {
		s.record(Record{Kind: kind, Token: t.hash, Status: 404, Detail: id})
		s.writeError(w, 404, "not.found", noun+" "+id+" not found")
		return
	}
	s.record(Record{Kind: kind, Token: t.hash, Status: 200, Detail: id})
	writeJSON(w, 200, body)
}

// handleUserMe serves GET /api/v2/users/me: every simulator token is a client-credentials
// token, which the service refuses here with 400 (there is no user behind it).
func (s *Server) handleUserMe(w http.ResponseWriter, r *http.Request) {
	t := s.authenticate(w, r)
	if t == nil {
		return
	}
	s.record(Record{Kind: "user", Token: t.hash, Status: 400, Detail: "me: client credentials"})
	s.writeError(w, 400, "bad.request", userContextRequired)
}

// servePage is the shared shape of the paged entity listings: authenticate, validate
// paging, list the matching entities, record the call, answer one page.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, kind string, list func() []map[string]any) {
	t := s.authenticate(w, r)
	if t == nil {
		return
	}
	size, number, msg := paging(r)
	if msg != "" {
		s.writeError(w, 400, "invalid.value", msg)
		return
	}
	items := list()
	if items == nil {
		items = []map[string]any{}
	}
	// The count of matching entities (every page's) lets a test see how many users or
	// queues a refill asked for and got.
	s.record(Record{Kind: kind, Token: t.hash, Status: 200, Detail: "page " + itoa(int64(number)) + ", " + itoa(int64(len(items))) + " matching"})
	writePage(w, r, items, size, number)
}

func (s *Server) queueBody(q *generator.Queue) map[string]any {
	body := map[string]any{"id": q.ID, "name": q.Name, "description": q.Description,
		"memberCount": len(q.MemberIDs), "userMemberCount": len(q.MemberIDs), "joinedMemberCount": len(q.MemberIDs),
		"division":      map[string]any{"id": s.pop.DivisionID, "name": "Home", "selfUri": "/api/v2/authorization/divisions/" + s.pop.DivisionID},
		"mediaSettings": queueMediaSettings(), "skillEvaluationMethod": "ALL",
		"acwSettings": map[string]any{"wrapupPrompt": "MANDATORY_TIMEOUT", "timeoutMs": 15000},
		"selfUri":     "/api/v2/routing/queues/" + q.ID}
	// settings a real queue has filled (the Queue model's defaults for a new queue)
	for k, v := range map[string]any{"scoringMethod": "TimestampAndPriority", "lastAgentRoutingMode": "Disabled",
		"routingRules": []any{}, "memberGroups": []any{}, "autoAnswerOnly": false, "enableTranscription": false,
		"enableAudioMonitoring": false, "enableManualAssignment": false, "suppressInQueueCallRecording": false} {
		body[k] = v
	}
	for k, v := range s.queueAudit(q.ID) {
		body[k] = v
	}
	return body
}

func (s *Server) userBody(a *generator.Agent, expand []string) map[string]any {
	u := map[string]any{"id": a.ID, "name": a.Name, "email": a.Email, "username": a.Email,
		"title": a.Title, "department": a.Department, "state": "active", "version": 1, "acdAutoAnswer": false,
		"division": map[string]any{"id": s.pop.DivisionID, "name": "Home", "selfUri": "/api/v2/authorization/divisions/" + s.pop.DivisionID},
		"selfUri":  "/api/v2/users/" + a.ID}
	for k, v := range s.userContacts(a.ID, a.Email) {
		u[k] = v
	}
	st, _ := s.model.AgentStatus(a.ID)
	for _, e := range expand {
		switch strings.ToLower(e) {
		case "presence":
			u["presence"] = userPresence(a.ID, st)
		case "routingstatus":
			u["routingStatus"] = routingStatus(a.ID, st)
		case "outofoffice":
			u["outOfOffice"] = map[string]any{"user": map[string]any{"id": a.ID, "selfUri": "/api/v2/users/" + a.ID},
				"active": false, "indefinite": false}
		}
	}
	return u
}

// userPresence is a user's UserPresence (platform SDKs) for the PURECLOUD source: the
// values of the user's last v2.users.{id}.presence notification, systemPresence spelled as
// REST spells it.
func userPresence(userID string, st generator.AgentStatus) map[string]any {
	return map[string]any{"source": "PURECLOUD", "primary": true, "message": "",
		"presenceDefinition": map[string]any{"id": st.PresenceID, "systemPresence": presenceLabel(st.Presence),
			"selfUri": "/api/v2/presencedefinitions/" + st.PresenceID},
		"modifiedDate": isoTime(st.PresenceSince), "selfUri": "/api/v2/users/" + userID + "/presences/purecloud"}
}

// routingStatus is a user's RoutingStatus (platform SDKs): the values of the user's last
// v2.users.{id}.routingStatus notification.
func routingStatus(userID string, st generator.AgentStatus) map[string]any {
	return map[string]any{"userId": userID, "status": st.Routing, "startTime": isoTime(st.RoutingSince)}
}

// handleUserPresence serves GET /api/v2/users/{id}/presences/{sourceId}: the PURECLOUD
// source ("purecloud", any case) of a known user; 404 for an unknown user or another source.
func (s *Server) handleUserPresence(w http.ResponseWriter, r *http.Request) {
	s.serveOne(w, r, "user_presence", "User", func(id string) (map[string]any, bool) {
		if !strings.EqualFold(r.PathValue("source"), "purecloud") {
			return nil, false
		}
		if st, ok := s.model.AgentStatus(id); ok {
			return userPresence(id, st), true
		}
		return nil, false
	})
}

// handleUserRoutingStatus serves GET /api/v2/users/{id}/routingstatus; 404 for an unknown user.
func (s *Server) handleUserRoutingStatus(w http.ResponseWriter, r *http.Request) {
	s.serveOne(w, r, "user_routingstatus", "User", func(id string) (map[string]any, bool) {
		if st, ok := s.model.AgentStatus(id); ok {
			return routingStatus(id, st), true
		}
		return nil, false
	})
}

// presenceLabel is a system presence as REST spells it ("On Queue", "Break"); notifications
// use the upper-case form ("ON_QUEUE").
func presenceLabel(p string) string {
	words := strings.Split(strings.ToLower(p), "_")
	for i, w := range words {
		if w != "" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

// queueMediaSettings is a queue's per-media settings as Genesys sends them: one entry for
// every routable media type, keyed call, callback, chat, email and message (QueueMediaSettings
// of the platform SDKs). The analytics mediaType "voice" is "call" here.
func queueMediaSettings() map[string]any {
	media := func(alertSeconds, slMs int) map[string]any {
		return map[string]any{"alertingTimeoutSeconds": alertSeconds, "enableAutoAnswer": false,
			"serviceLevel": map[string]any{"percentage": 0.8, "durationMs": slMs}}
	}
	callback := media(30, 20000)
	callback["enableAutoDialAndEnd"] = false
	return map[string]any{"call": media(8, 20000), "callback": callback, "chat": media(30, 20000),
		"email": media(300, 86400000), "message": media(30, 20000)}
}
