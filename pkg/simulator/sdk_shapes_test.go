package simulator

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

// Tests for the differences Genesys' platform SDKs found between the simulator and the
// service (issue #22). Each calls the simulator as an SDK would and checks the SDK model's
// field names.

// socketFor opens a channel subscribed to topics and a socket on it, attached and ready
// for publishes.
func socketFor(t *testing.T, s *Server, topics ...string) func(topic string) map[string]any {
	t.Helper()
	tok := getToken(t, s)
	ch := newChannel(t, s, tok)
	if r := subscribe(t, s, tok, ch.ID, topics...); r.status != 200 {
		t.Fatalf("subscribe: %d %s", r.status, r.body)
	}
	before := s.Count("upgrade")
	c := mustDial(t, ch.ConnectURI)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.WaitCount(ctx, "upgrade", before+1); err != nil {
		t.Fatal(err)
	}
	// next reads messages until one on topic arrives and returns its eventBody
	return func(topic string) map[string]any {
		t.Helper()
		for i := 0; i < 50; i++ {
			m := readMsg(t, c)
			if m["topicName"] == topic {
				return m["eventBody"].(map[string]any)
			}
		}
		t.Fatalf("no message on %s", topic)
		return nil
	}
}

// TestQueueUsersBodyIsQueueUserEventTopicQueueMember: v2.routing.queues.{id}.users carries
// the SDKs' QueueUserEventTopicQueueMember {id, user{id}, queueId, joined} and nothing
// else, for each queue of the member; the catalogue's schema says the same.
func TestQueueUsersBodyIsQueueUserEventTopicQueueMember(t *testing.T) {
	s, _ := newSim(t, Config{Seed: 3, Queues: 3, Agents: 6})
	a := s.Population().Agents[0]
	var topics []string
	for _, q := range a.QueueIDs {
		topics = append(topics, "v2.routing.queues."+q+".users")
	}
	next := socketFor(t, s, topics...)
	if !s.SetAgentPresence(a.ID, "BREAK") {
		t.Fatal("SetAgentPresence refused")
	}
	for _, q := range a.QueueIDs {
		body := next("v2.routing.queues." + q + ".users")
		sameKeys(t, "queue member event", body, "id", "user", "queueId", "joined")
		user, _ := body["user"].(map[string]any)
		sameKeys(t, "queue member event's user", user, "id")
		if body["id"] != a.ID || user["id"] != a.ID || body["queueId"] != q || body["joined"] != true {
			t.Errorf("queue member event %v, want member %s of queue %s, joined", body, a.ID, q)
		}
	}

	tok := getToken(t, s)
	r := call(t, s, "GET", "/api/v2/notifications/availabletopics?expand=schema", tok, "")
	var topicsPage struct {
		Entities []struct {
			ID     string
			Schema struct{ Properties map[string]any }
		}
	}
	if err := json.Unmarshal(r.body, &topicsPage); err != nil {
		t.Fatal(err)
	}
	for _, e := range topicsPage.Entities {
		if e.ID == "v2.routing.queues.{id}.users" {
			sameKeys(t, "queue users schema", e.Schema.Properties, "id", "user", "queueId", "joined")
			return
		}
	}
	t.Fatal("v2.routing.queues.{id}.users not in the catalogue")
}

// TestQueueMembersListing: GET /api/v2/routing/queues/{id}/members (and the deprecated
// /users) answer a QueueMemberEntityListing of QueueMember {id, name, user, ringNumber,
// joined, memberBy, routingStatus, selfUri}, with the SDK's filters; an unknown queue is 404.
func TestQueueMembersListing(t *testing.T) {
	s, _ := newSim(t, Config{Seed: 4, Queues: 2, Agents: 9})
	tok := getToken(t, s)
	q := s.Population().Queues[0]
	away := q.MemberIDs[0]
	s.SetAgentPresence(away, "MEAL")
	type listing struct {
		Entities                               []map[string]any
		PageSize, PageNumber, Total, PageCount int
		SelfURI, FirstURI, LastURI             string
	}
	get := func(path string) listing {
		t.Helper()
		r := call(t, s, "GET", path, tok, "")
		var l listing
		if r.status != 200 || json.Unmarshal(r.body, &l) != nil {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		return l
	}
	for _, route := range []string{"members", "users"} {
		base := "/api/v2/routing/queues/" + q.ID + "/" + route
		l := get(base + "?pageSize=100&expand=routingStatus,presence")
		if l.Total != len(q.MemberIDs) || len(l.Entities) != len(q.MemberIDs) || l.PageCount != 1 || l.SelfURI == "" {
			t.Fatalf("%s: %d members (total %d), want %d", route, len(l.Entities), l.Total, len(q.MemberIDs))
		}
		for _, m := range l.Entities {
			sameKeys(t, route+" entry", m, "id", "name", "user", "ringNumber", "joined", "memberBy", "routingStatus", "selfUri")
			id := m["id"].(string)
			u := m["user"].(map[string]any)
			if u["id"] != id || u["name"] != m["name"] || m["joined"] != true || m["memberBy"] != "user" || !inFilter(q.MemberIDs, id) {
				t.Errorf("%s entry %v", route, m)
			}
			rs := call(t, s, "GET", "/api/v2/users/"+id+"/routingstatus", tok, "").json(t)
			if m["routingStatus"].(map[string]any)["status"] != rs["status"] || u["presence"] == nil {
				t.Errorf("%s entry %s: routingStatus %v, user's %v; presence %v", route, id, m["routingStatus"], rs, u["presence"])
			}
		}
		if plain := get(base); plain.Entities[0]["routingStatus"] != nil {
			t.Errorf("%s without expand has routingStatus %v", route, plain.Entities[0]["routingStatus"])
		}
		if l := get(base + "?presence=Meal"); len(l.Entities) != 1 || l.Entities[0]["id"] != away {
			t.Errorf("%s?presence=Meal: %v, want only %s", route, l.Entities, away)
		}
		if l := get(base + "?presence=ON_QUEUE&routingStatus=IDLE"); len(l.Entities) != len(q.MemberIDs)-1 {
			t.Errorf("%s?presence=ON_QUEUE: %d entries, want %d", route, len(l.Entities), len(q.MemberIDs)-1)
		}
		if l := get(base + "?joined=false"); l.Total != 0 {
			t.Errorf("%s?joined=false: %d entries", route, l.Total)
		}
		if r := call(t, s, "GET", "/api/v2/routing/queues/00000000-0000-4000-8000-000000000000/"+route, tok, ""); r.status != 404 {
			t.Errorf("%s of an unknown queue: %d", route, r.status)
		}
		if r := call(t, s, "GET", base+"?pageSize=101", tok, ""); r.status != 400 {
			t.Errorf("%s?pageSize=101: %d, want 400 (max 100)", route, r.status)
		}
	}
}

// TestAvailableTopicsExpansions: expand=enforced,visibility,publicApiTemplateUriPaths,
// permissionDetails fills the SDKs' AvailableTopic fields (enforced bool, visibility
// Public|Preview, a list of paths, PermissionDetails {type, permissions, allowsCurrentUser,
// enforced} agreeing with requiresPermissions), and only when asked for.
func TestAvailableTopicsExpansions(t *testing.T) {
	s, _ := newSim(t, Config{})
	tok := getToken(t, s)
	list := func(expand string) []map[string]any {
		t.Helper()
		var all struct{ Entities []map[string]any }
		r := call(t, s, "GET", "/api/v2/notifications/availabletopics?includePreview=true&expand="+expand, tok, "")
		if r.status != 200 || json.Unmarshal(r.body, &all) != nil || len(all.Entities) == 0 {
			t.Fatalf("availabletopics?expand=%s: %d %s", expand, r.status, r.body)
		}
		return all.Entities
	}
	for _, e := range list("") {
		sameKeys(t, "unexpanded topic", e, "id")
	}
	withPerms := 0
	for _, e := range list("enforced,visibility&expand=publicApiTemplateUriPaths,permissionDetails,requiresPermissions") {
		id := e["id"].(string)
		sameKeys(t, id, e, "id", "enforced", "visibility", "publicApiTemplateUriPaths", "permissionDetails", "requiresPermissions")
		if _, ok := e["enforced"].(bool); !ok {
			t.Errorf("%s: enforced %v", id, e["enforced"])
		}
		if v := e["visibility"]; v != "Public" && v != "Preview" {
			t.Errorf("%s: visibility %v", id, v)
		}
		paths, ok := e["publicApiTemplateUriPaths"].([]any)
		if !ok {
			t.Errorf("%s: publicApiTemplateUriPaths %v", id, e["publicApiTemplateUriPaths"])
		}
		for _, p := range paths {
			if ps, _ := p.(string); len(ps) < 8 || ps[:8] != "/api/v2/" {
				t.Errorf("%s: path %v", id, p)
			}
		}
		details, ok := e["permissionDetails"].([]any)
		perms := e["requiresPermissions"].([]any)
		if !ok || (len(perms) > 0) != (len(details) > 0) {
			t.Errorf("%s: permissionDetails %v for requiresPermissions %v", id, e["permissionDetails"], perms)
			continue
		}
		for _, d := range details {
			dm := d.(map[string]any)
			sameKeys(t, id+" permissionDetails", dm, "type", "permissions", "allowsCurrentUser", "enforced")
			got, _ := json.Marshal(dm["permissions"])
			want, _ := json.Marshal(perms)
			if string(got) != string(want) {
				t.Errorf("%s: permissionDetails permissions %s, requiresPermissions %s", id, got, want)
			}
			withPerms++
		}
	}
	if withPerms == 0 {
		t.Error("no topic has permissionDetails")
	}
}

// Field names of the SDKs' detail event models (CustomerStartDetailEventTopicCustomerStartEvent,
// AcdStartDetailEventTopicAcdStartEvent).
var (
	customerStartFields = []string{"eventTime", "conversationId", "participantId", "sessionId", "mediaType",
		"externalOrganizationId", "externalContactId", "provider", "direction", "ani", "dnis", "addressTo", "addressFrom",
		"callbackUserName", "callbackNumbers", "callbackScheduledTime", "subject", "messageType",
		"conversationExternalContactIds", "conversationExternalOrganizationIds", "journeyContext", "divisionId"}
	acdStartFields = []string{"eventTime", "conversationId", "participantId", "sessionId", "mediaType", "provider",
		"direction", "ani", "dnis", "addressTo", "addressFrom", "callbackUserName", "callbackNumbers",
		"callbackScheduledTime", "subject", "messageType", "queueId", "divisionId", "conversationExternalContactIds",
		"conversationExternalOrganizationIds", "utilizationLabel", "routingPriority", "requestedRoutingSkillIds"}
)

// TestCustomerStartAndAcdStart: a caller's arrival sends customer.start (the customer's
// participant, the SDK model's fields, no queueId) then acd.start (the ACD participant,
// queueId, and no flowId: the SDK's AcdStartEvent has none, so the queue id no longer
// poses as one).
func TestCustomerStartAndAcdStart(t *testing.T) {
	s, _ := newSim(t, Config{Seed: 6, Queues: 2, Agents: 4})
	q := s.Population().Queues[1]
	base := "v2.detail.events.conversation." + q.ID
	next := socketFor(t, s, base+".customer.start", base+".acd.start")
	if !s.SetQueueWaiting(q.ID, 1) {
		t.Fatal("SetQueueWaiting refused")
	}
	cust, acd := next(base+".customer.start"), next(base+".acd.start")
	within := func(what string, body map[string]any, allowed []string) {
		t.Helper()
		for k := range body {
			if !inFilter(allowed, k) {
				t.Errorf("%s has %q, which the SDK model lacks", what, k)
			}
		}
	}
	within("customer.start", cust, customerStartFields)
	within("acd.start", acd, acdStartFields)
	for _, k := range []string{"eventTime", "conversationId", "participantId", "sessionId", "mediaType", "direction", "ani", "dnis", "divisionId"} {
		if cust[k] == nil || acd[k] == nil {
			t.Errorf("%s: customer.start %v, acd.start %v", k, cust[k], acd[k])
		}
	}
	if cust["conversationId"] != acd["conversationId"] || cust["participantId"] == acd["participantId"] {
		t.Errorf("customer.start %v and acd.start %v: want one conversation, two participants", cust, acd)
	}
	if acd["queueId"] != q.ID || acd["flowId"] != nil {
		t.Errorf("acd.start queueId %v flowId %v, want %s and none", acd["queueId"], acd["flowId"], q.ID)
	}
}

// TestQueueAndUserFieldsARealOrgHasFilled: queues carry dateCreated <= dateModified,
// createdBy, modifiedBy, scoringMethod and lastAgentRoutingMode (SDK Queue model enums);
// users carry chat.jabberId, primaryContactInfo and addresses (SDK Contact); the values are
// the same for the same seed and differ for another.
func TestQueueAndUserFieldsARealOrgHasFilled(t *testing.T) {
	snapshot := func(seed int64) (map[string]any, map[string]any) {
		s, _ := newSim(t, Config{Seed: seed, Queues: 2, Agents: 3})
		tok := getToken(t, s)
		q := s.Population().Queues[0]
		r := call(t, s, "GET", "/api/v2/routing/queues/"+q.ID, tok, "")
		var page struct{ Entities []map[string]any }
		ur := call(t, s, "GET", "/api/v2/users?pageSize=100", tok, "")
		if r.status != 200 || ur.status != 200 || json.Unmarshal(ur.body, &page) != nil {
			t.Fatalf("queue %d, users %d", r.status, ur.status)
		}
		return r.json(t), page.Entities[0]
	}
	q, u := snapshot(11)
	for _, k := range []string{"dateCreated", "dateModified", "createdBy", "modifiedBy"} {
		if v, _ := q[k].(string); v == "" {
			t.Errorf("queue %s = %v", k, q[k])
		}
	}
	created, err1 := time.Parse(time.RFC3339, q["dateCreated"].(string))
	modified, err2 := time.Parse(time.RFC3339, q["dateModified"].(string))
	if err1 != nil || err2 != nil || modified.Before(created) || !created.Before(testStart) {
		t.Errorf("dateCreated %v, dateModified %v", q["dateCreated"], q["dateModified"])
	}
	if q["scoringMethod"] != "TimestampAndPriority" && q["scoringMethod"] != "PriorityOnly" {
		t.Errorf("scoringMethod %v", q["scoringMethod"])
	}
	if m := q["lastAgentRoutingMode"]; m != "Disabled" && m != "QueueMembersOnly" && m != "AnyAgent" {
		t.Errorf("lastAgentRoutingMode %v", m)
	}
	chat, _ := u["chat"].(map[string]any)
	if j, _ := chat["jabberId"].(string); j == "" {
		t.Errorf("user chat %v", u["chat"])
	}
	pci, _ := u["primaryContactInfo"].([]any)
	addrs, _ := u["addresses"].([]any)
	if len(pci) == 0 || len(addrs) == 0 {
		t.Fatalf("primaryContactInfo %v, addresses %v", u["primaryContactInfo"], u["addresses"])
	}
	if p := pci[0].(map[string]any); p["address"] != u["email"] || p["mediaType"] != "EMAIL" || p["type"] != "PRIMARY" {
		t.Errorf("primaryContactInfo %v", p)
	}
	if a := addrs[0].(map[string]any); a["mediaType"] != "PHONE" || a["address"] == "" || a["type"] == "" {
		t.Errorf("addresses %v", a)
	}
	q2, u2 := snapshot(11)
	q3, _ := snapshot(12)
	if q2["dateCreated"] != q["dateCreated"] || q2["createdBy"] != q["createdBy"] ||
		u2["chat"].(map[string]any)["jabberId"] != chat["jabberId"] {
		t.Error("the same seed gave other values")
	}
	if q3["dateCreated"] == q["dateCreated"] || q3["createdBy"] == q["createdBy"] {
		t.Error("another seed gave the same values")
	}
}
