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
