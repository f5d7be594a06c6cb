package generator

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestRefillAgreesWithStream: whenever a queue publishes, the REST views (Observations,
// Aggregates) read right after the step report what that notification carried, metric for
// metric, so a client refilling after a gap and one that saw the stream hold the same values.
func TestRefillAgreesWithStream(t *testing.T) {
	m := NewModel(NewPopulation(5, 6, 25), 5, Config{Rate: 1}, start)
	var ids []string
	for _, q := range m.Population().Queues {
		ids = append(ids, q.ID)
	}
	observed, aggregated := 0, 0
	lastSL := map[string]Metric{}                                // the service level each queue last notified
	for now := start; now.Before(start.Add(35 * time.Minute)); { // crosses 09:30
		now = now.Add(time.Second)
		for _, e := range m.Step(now) {
			if !strings.HasSuffix(e.Topic, ".observations") {
				continue
			}
			body := e.Body.(map[string]any)
			qid := body["group"].(map[string]string)["queueId"]
			entry := body["data"].([]any)[0].(map[string]any)
			metrics := entry["metrics"].([]Metric)
			if metrics[0].Metric[0] == 'o' {
				observed++
				if sl, ok := serviceLevel(metrics); ok {
					lastSL[qid] = sl
				}
				var want []Metric
				for _, mt := range metrics {
					if contains(QueueObservationMetrics, mt.Metric) {
						want = append(want, mt)
					}
				}
				got := m.Observations(Selection{QueueIDs: []string{qid}}, QueueObservationMetrics)
				if len(got) != 1 || !reflect.DeepEqual(got[0].Data, want) {
					t.Fatalf("%s at %s: query %v, notification %v", qid, iso(now), got, want)
				}
				continue
			}
			aggregated++
			from, to, got := m.Aggregates(Selection{QueueIDs: []string{qid}})
			if entry["interval"] != iso(from)+"/"+iso(to) {
				t.Fatalf("aggregates for %s under %s, notification under %s", iso(from), iso(to), entry["interval"])
			}
			if len(got) != 1 || !reflect.DeepEqual(withoutServiceLevel(got[0].Metrics), metrics) {
				t.Fatalf("%s at %s: aggregates %v, notification %v", qid, iso(now), got, metrics)
			}
			// The service level, which the o* notifications carry, agrees too.
			if sl, ok := serviceLevel(got[0].Metrics); ok && !reflect.DeepEqual(sl, lastSL[qid]) {
				t.Fatalf("%s at %s: aggregates' service level %v, last notified %v", qid, iso(now), sl, lastSL[qid])
			}
		}
	}
	if observed < 200 || aggregated < 100 {
		t.Errorf("only %d observation and %d aggregate notifications compared", observed, aggregated)
	}
}

// TestPresenceAndRoutingObservations: oUserPresences has one entry per presence definition
// (qualifier: its id) and oUserRoutingStatuses one per routing status, each counting the
// queue's members in it, so both sum to oMemberUsers and agree with the agents' own status.
func TestPresenceAndRoutingObservations(t *testing.T) {
	m := NewModel(NewPopulation(7, 4, 20), 7, Config{Rate: 1}, start)
	m.Step(start.Add(6 * time.Minute)) // breaks and calls under way
	pop := m.Population()
	nonzero := map[string]bool{}
	for _, q := range pop.Queues {
		res := m.Observations(Selection{QueueIDs: []string{q.ID}}, []string{"oUserPresences", "oUserRoutingStatuses", "oMemberUsers"})
		wantP, wantR := map[string]int{}, map[string]int{}
		for _, id := range q.MemberIDs {
			st, _ := m.AgentStatus(id)
			wantP[PresenceDefinitionID(st.Presence)]++
			wantR[st.Routing]++
		}
		gotP, gotR := map[string]int{}, map[string]int{}
		members := 0
		for _, d := range res[0].Data {
			n := d.Stats["count"].(int)
			switch d.Metric {
			case "oUserPresences":
				gotP[d.Qualifier] = n
			case "oUserRoutingStatuses":
				gotR[d.Qualifier] = n
			case "oMemberUsers":
				members = n
			}
			if n > 0 {
				nonzero[d.Metric+" "+d.Qualifier] = true
			}
		}
		if len(gotP) != len(SystemPresences) || len(gotR) != len(RoutingStatuses) {
			t.Fatalf("%d presence and %d routing entries, want one per qualifier", len(gotP), len(gotR))
		}
		for k, v := range gotP {
			if v != wantP[k] {
				t.Errorf("queue %s: oUserPresences %s = %d, members in it %d", q.Name, k, v, wantP[k])
			}
		}
		for k, v := range gotR {
			if v != wantR[k] {
				t.Errorf("queue %s: oUserRoutingStatuses %s = %d, members in it %d", q.Name, k, v, wantR[k])
			}
		}
		if members != len(q.MemberIDs) {
			t.Errorf("oMemberUsers %d, %d members", members, len(q.MemberIDs))
		}
	}
	if len(nonzero) < 5 {
		t.Errorf("only %v were ever nonzero: the test saw no variety", nonzero)
	}
}

func withoutServiceLevel(ms []Metric) []Metric {
	var out []Metric
	for _, m := range ms {
		if m.Metric != "oServiceLevel" {
			out = append(out, m)
		}
	}
	return out
}

func serviceLevel(ms []Metric) (Metric, bool) {
	for _, m := range ms {
		if m.Metric == "oServiceLevel" {
			return m, true
		}
	}
	return Metric{}, false
}
