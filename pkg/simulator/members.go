package simulator

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator/generator"
)

// handleQueueMembers serves GET /api/v2/routing/queues/{id}/members and its deprecated twin
// /users: a QueueMemberEntityListing of the queue's QueueMember entries (platform SDKs:
// id, name, user, ringNumber, joined, memberBy, routingStatus, selfUri), sorted by name.
// Filters: name (contains), joined, memberBy (user|group), routingStatus and presence (the
// member's current ones; presence compared case- and separator-insensitively, so "On Queue"
// and ON_QUEUE both match), skills/languages/profileSkills (simulated users have none, so
// these match nobody). expand=routingStatus fills routingStatus (and the user's), presence
// the user's presence. pageSize at most 100, as the SDKs document.
func (s *Server) handleQueueMembers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var queue *generator.Queue
	for i := range s.pop.Queues {
		if s.pop.Queues[i].ID == r.PathValue("id") {
			queue = &s.pop.Queues[i]
		}
	}
	desc, ok := sortDescending(q.Get("sortOrder"), "asc", "desc")
	if !ok {
		s.writeError(w, 400, "bad.request", "sortOrder must be asc or desc")
		return
	}
	if n, err := strconv.Atoi(q.Get("pageSize")); err == nil && n > 100 {
		s.writeError(w, 400, "invalid.value", "pageSize must be at most 100")
		return
	}
	joined := strings.ToLower(q.Get("joined"))
	if joined != "" && joined != "true" && joined != "false" {
		s.writeError(w, 400, "bad.request", "joined must be true or false")
		return
	}
	memberBy := strings.ToLower(q.Get("memberBy"))
	if memberBy != "" && memberBy != "user" && memberBy != "group" {
		s.writeError(w, 400, "bad.request", "memberBy must be user or group")
		return
	}
	expand := listParam(q, "expand")
	routing, presence := listParam(q, "routingStatus"), listParam(q, "presence")
	noneHave := len(listParam(q, "skills"))+len(listParam(q, "languages"))+len(listParam(q, "profileSkills")) > 0
	if queue == nil {
		if t := s.authenticate(w, r); t != nil {
			s.record(Record{Kind: "queue_members", Token: t.hash, Status: 404, Detail: r.PathValue("id")})
			s.writeError(w, 404, "not.found", "Queue "+r.PathValue("id")+" not found")
		}
		return
	}
	s.servePage(w, r, "queue_members", func() []map[string]any {
		if noneHave || joined == "false" || memberBy == "group" {
			return nil // every simulated member is a joined user with no skills
		}
		var items []map[string]any
		for _, id := range queue.MemberIDs {
			a := s.agent(id)
			st, _ := s.model.AgentStatus(id)
			if a == nil || !nameMatches(q.Get("name"), a.Name) || !inFold(routing, st.Routing) || !presenceIn(presence, st.Presence) {
				continue
			}
			items = append(items, s.queueMember(queue, a, st, expand))
		}
		return sortByName(items, desc)
	})
}

// queueMember is one QueueMember: the user (with the asked expansions) in queue q.
func (s *Server) queueMember(q *generator.Queue, a *generator.Agent, st generator.AgentStatus, expand []string) map[string]any {
	m := map[string]any{"id": a.ID, "name": a.Name, "user": s.userBody(a, expand), "ringNumber": 1,
		"joined": true, "memberBy": "user", "selfUri": "/api/v2/routing/queues/" + q.ID + "/members/" + a.ID}
	for _, e := range expand {
		if strings.EqualFold(e, "routingStatus") {
			m["routingStatus"] = routingStatus(a.ID, st)
		}
	}
	return m
}

func (s *Server) agent(id string) *generator.Agent {
	for i := range s.pop.Agents {
		if s.pop.Agents[i].ID == id {
			return &s.pop.Agents[i]
		}
	}
	return nil
}

// inFold is inFilter, case-insensitively.
func inFold(filter []string, v string) bool {
	for _, f := range filter {
		if strings.EqualFold(f, v) {
			return true
		}
	}
	return len(filter) == 0
}

// presenceIn matches a system presence (ON_QUEUE) against filter values in either spelling
// ("On Queue", "on_queue", "ON_QUEUE").
func presenceIn(filter []string, p string) bool {
	norm := func(s string) string { return strings.ToLower(strings.NewReplacer("_", "", " ", "").Replace(s)) }
	for _, f := range filter {
		if norm(f) == norm(p) {
			return true
		}
	}
	return len(filter) == 0
}
