package simulator

import (
	"net/http"
	"strings"
)

// topicEntry is one entry of GET /api/v2/notifications/availabletopics.
type topicEntry struct {
	ID                  string
	Description         string
	RequiresPermissions []string
	Schema              schema
	Transports          []string
	Parameters          []string
}

// catalogue is every topic the simulator knows; ones whose transports include neither "All"
// nor "Websocket" are listed but cannot be subscribed over the socket (as upstream).
var catalogue = buildCatalogue()

func buildCatalogue() []topicEntry {
	id := []string{"id"}
	all, ws, eb := []string{"All"}, []string{"Websocket"}, []string{"EventBridge"}
	detail := func(suffix, urn, desc string, extra schema) topicEntry {
		return topicEntry{"v2.detail.events.conversation.{id}." + suffix, desc,
			[]string{"analytics:conversationDetail:view"}, detailEventSchema(urn, extra), all, id}
	}
	return []topicEntry{
		{"v2.analytics.queues.{id}.observations", "Real-time queue observations: waiting, interacting, on-queue agents, service level and interval totals.",
			[]string{"analytics:queueObservation:view"}, observationSchema(), all, id},
		{"v2.routing.queues.{id}.conversations", "Conversations routed through the queue, with participants.",
			[]string{"routing:queue:view", "conversation:communication:view"}, conversationSchema("models:conversations:QueueConversationNotification"), all, id},
		{"v2.routing.queues.{id}.users", "Queue members joining, leaving and changing status.",
			[]string{"routing:queueMember:manage"}, queueMemberSchema(), all, id},
		{"v2.users.{id}.presence", "A user's presence changes.", []string{}, presenceSchema(), all, id},
		{"v2.users.{id}.routingStatus", "A user's ACD routing status changes.", []string{}, routingStatusSchema(), all, id},
		{"v2.users.{id}.activity", "A user's presence, routing status and active queues.", []string{}, activitySchema(), all, id},
		{"v2.users.{id}.conversations", "Conversations the user takes part in.", []string{},
			conversationSchema("models:conversations:UserConversationNotification"), ws, id},
		detail("acd.start", "AcdStartEvent", "A conversation entered an ACD queue.",
			schema{"routingPriority": integer(), "requestedRoutingSkillIds": arr(str())}),
		detail("acd.end", "AcdEndEvent", "A conversation left an ACD queue (answered, abandoned, transferred...).",
			schema{"acdOutcome": enum("ANSWERED", "ABANDON", "FLOWOUT", "UNKNOWN"), "connectedDurationMs": integer(), "answeredUserId": str()}),
		detail("acw", "AcwEvent", "An agent finished after-call work.",
			schema{"userId": str(), "wrapupCode": str(), "wrapupDurationMs": integer()}),
		detail("user.start", "UserStartEvent", "An agent was connected to a conversation.", schema{"userId": str()}),
		detail("user.end", "UserEndEvent", "An agent left a conversation.",
			schema{"userId": str(), "disconnectType": str(), "connectedDurationMs": integer(), "interactingDurationMs": integer()}),
		{"v2.detail.events.conversation.{id}.customer.start", "A customer joined a conversation.",
			[]string{"analytics:conversationDetail:view"}, customerStartSchema(), all, id},
		detail("customer.end", "CustomerEndEvent", "A customer left a conversation.", schema{"disconnectType": str()}),
		{"v2.users.{id}.outofoffice", "A user's out-of-office state.", []string{},
			root("users:api:OutOfOfficeNotification", schema{"active": boolean(), "startDate": date(), "endDate": date()}), all, id},
		{"v2.users.{id}.geolocation", "A user's geolocation.", []string{},
			root("users:api:GeolocationNotification", schema{"city": str(), "country": str(), "region": str()}), ws, id},
		{"v2.audits.entitytype.{entityType}.entityid.{entityId}", "Audit records for one entity (EventBridge only).",
			[]string{"audits:audit:view"}, root("audits:api:AuditNotification", schema{"id": str(), "action": str(), "entityType": str()}),
			eb, []string{"entityType", "entityId"}},
		{"v2.operations.events.{id}", "Operational events of the organisation (EventBridge only).",
			[]string{"operations:event:view"}, root("operations:api:OperationalEvent", schema{"eventDefinitionId": str(), "entityId": str()}), eb, id},
		{"v2.analytics.flow.{id}.aggregates", "Flow aggregate metrics (EventBridge only).",
			[]string{"analytics:flowAggregate:view"}, root("analytics:api:FlowAggregateNotification",
				schema{"group": obj(schema{"flowId": str()}), "data": arr(obj(schema{"interval": str()}))}), eb, id},
	}
}

// socketTopicKnown reports whether a lower-case concrete topic can be subscribed on a socket.
func socketTopicKnown(lower string) bool {
	for _, e := range catalogue {
		if !socketTransport(e.Transports) {
			continue
		}
		if topicMatches(strings.ToLower(e.ID), lower) {
			return true
		}
	}
	return false
}

func socketTransport(ts []string) bool {
	for _, t := range ts {
		if t == "All" || t == "Websocket" {
			return true
		}
	}
	return false
}

func (s *Server) handleAvailableTopics(w http.ResponseWriter, r *http.Request) {
	t := s.authenticate(w, r)
	if t == nil {
		return
	}
	want := map[string]bool{}
	for _, v := range r.URL.Query()["expand"] {
		for _, f := range strings.Split(v, ",") {
			want[strings.TrimSpace(f)] = true
		}
	}
	out := make([]map[string]any, 0, len(catalogue))
	for _, e := range catalogue {
		m := map[string]any{"id": e.ID}
		if want["description"] {
			m["description"] = e.Description
		}
		if want["requiresPermissions"] {
			m["requiresPermissions"] = e.RequiresPermissions
		}
		if want["schema"] {
			m["schema"] = e.Schema
		}
		if want["transports"] {
			m["transports"] = e.Transports
		}
		if want["topicParameters"] {
			m["topicParameters"] = e.Parameters
		}
		if want["enforced"] {
			m["enforced"] = true
		}
		if want["visibility"] {
			m["visibility"] = "Public"
		}
		if want["publicApiTemplateUriPaths"] {
			m["publicApiTemplateUriPaths"] = topicPaths(e.ID)
		}
		if want["permissionDetails"] {
			m["permissionDetails"] = permissionDetails(e.RequiresPermissions)
		}
		out = append(out, m)
	}
	s.record(Record{Kind: "availabletopics", Token: t.hash, Status: 200})
	writeJSON(w, 200, map[string]any{"entities": out})
}

// permissionDetails is an AvailableTopic's permissionDetails (platform SDKs' PermissionDetails:
// type, permissions, allowsCurrentUser, enforced): one enforced requirement listing the topic's
// permissions, none for a topic that needs none. The SDKs leave type's values undocumented;
// "permission" is the simulator's choice.
func permissionDetails(perms []string) []map[string]any {
	out := []map[string]any{}
	if len(perms) > 0 {
		out = append(out, map[string]any{"type": "permission", "permissions": perms, "allowsCurrentUser": false, "enforced": true})
	}
	return out
}

// apiPaths are the REST resources (publicApiTemplateUriPaths) whose state each topic reports:
// the simulator's own mapping, the SDKs give the field without describing its values.
var apiPaths = map[string][]string{
	"v2.analytics.queues.{id}.observations": {"/api/v2/analytics/queues/observations/query"},
	"v2.routing.queues.{id}.conversations":  {"/api/v2/conversations/{conversationId}"},
	"v2.routing.queues.{id}.users":          {"/api/v2/routing/queues/{queueId}/members"},
	"v2.users.{id}.presence":                {"/api/v2/users/{userId}/presences/{sourceId}"},
	"v2.users.{id}.routingStatus":           {"/api/v2/users/{userId}/routingstatus"},
	"v2.users.{id}.activity":                {"/api/v2/users/{userId}"},
	"v2.users.{id}.conversations":           {"/api/v2/conversations/{conversationId}"},
	"v2.users.{id}.outofoffice":             {"/api/v2/users/{userId}/outofoffice"},
	"v2.users.{id}.geolocation":             {"/api/v2/users/{userId}/geolocations/{clientId}"},
	"v2.analytics.flow.{id}.aggregates":     {"/api/v2/analytics/flows/aggregates/query"},
}

// topicPaths is a topic's publicApiTemplateUriPaths: apiPaths, the conversation details for
// every detail-event topic, none for the rest.
func topicPaths(id string) []string {
	if p, ok := apiPaths[id]; ok {
		return p
	}
	if strings.HasPrefix(id, "v2.detail.events.conversation.") {
		return []string{"/api/v2/analytics/conversations/{conversationId}/details"}
	}
	return []string{}
}
