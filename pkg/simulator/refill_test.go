package simulator

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator/generator"
)

const obsPath = "/api/v2/analytics/queues/observations/query"
const aggPath = "/api/v2/analytics/conversations/aggregates/query"

type obsResponse struct {
	SystemToOrganizationMappings map[string][]string
	Results                      []struct {
		Group map[string]string
		Data  []struct {
			Metric    string
			Qualifier string
			Stats     map[string]float64
		}
	}
}

func obsBody(metrics []string, preds ...string) string {
	m, _ := json.Marshal(metrics)
	return `{"filter":{"type":"or","predicates":[` + strings.Join(preds, ",") + `]},"metrics":` + string(m) + `}`
}

func pred(dim, v string) string { return `{"dimension":"` + dim + `","value":"` + v + `"}` }

func queryObs(t *testing.T, s *Server, tok, body string) obsResponse {
	t.Helper()
	r := call(t, s, "POST", obsPath, tok, body)
	if r.status != 200 {
		t.Fatalf("observations query: %d %s", r.status, r.body)
	}
	var res obsResponse
	if err := json.Unmarshal(r.body, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestObservationsQueryMetrics: exactly the metrics asked for come back; anything that is
// not one of QueueObservationQuery's metrics, or no metrics at all, is a 400 naming it.
func TestObservationsQueryMetrics(t *testing.T) {
	s, _ := newSim(t, Config{Seed: 2})
	tok := getToken(t, s)
	q := s.Population().Queues[0]
	res := queryObs(t, s, tok, obsBody([]string{"oWaiting", "oUserRoutingStatuses"}, pred("queueId", q.ID)))
	if len(res.Results) != 1 || res.Results[0].Group["queueId"] != q.ID || res.Results[0].Group["mediaType"] != q.MediaType {
		t.Fatalf("results %+v", res.Results)
	}
	got := map[string]int{}
	for _, d := range res.Results[0].Data {
		got[d.Metric]++
	}
	if !reflect.DeepEqual(got, map[string]int{"oWaiting": 1, "oUserRoutingStatuses": len(generator.RoutingStatuses)}) {
		t.Errorf("metrics returned %v, want oWaiting once and one oUserRoutingStatuses per status", got)
	}
	if res.SystemToOrganizationMappings != nil {
		t.Errorf("mappings without oUserPresences: %v", res.SystemToOrganizationMappings)
	}
	for _, bad := range []string{"oLongestWaiting", "oServiceLevel", "tAbandon", "nOffered", "oBogus"} {
		r := call(t, s, "POST", obsPath, tok, obsBody([]string{"oWaiting", bad}, pred("queueId", q.ID)))
		if r.status != 400 || r.json(t)["code"] != "bad.request" || !strings.Contains(r.json(t)["message"].(string), bad) {
			t.Errorf("%s: %d %s, want 400 naming it", bad, r.status, r.body)
		}
	}
	for _, bad := range []string{`{}`, `nope`, `{"filter":{"type":"or","predicates":[]},"metrics":["oWaiting"]}`,
		`{"filter":{"type":"or","predicates":[` + pred("queueId", q.ID) + `]}}`,
		`{"filter":{"type":"xor","predicates":[` + pred("queueId", q.ID) + `]},"metrics":["oWaiting"]}`,
		obsBody([]string{"oWaiting"}, pred("queueId", q.ID), pred("userId", "u1")),
		obsBody([]string{"oWaiting"}, pred("queueId", q.ID), pred("mediaType", "pigeon"))} {
		if r := call(t, s, "POST", obsPath, tok, bad); r.status != 400 || r.json(t)["code"] != "bad.request" {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
}

// TestObservationsQueryPresences: oUserPresences has one entry per presence definition, its
// qualifier the definition's id (systemToOrganizationMappings maps system presences to them),
// counting the queue's members; at the start every member is on queue and idle.
func TestObservationsQueryPresences(t *testing.T) {
	s, _ := newSim(t, Config{Seed: 2})
	tok := getToken(t, s)
	q := s.Population().Queues[1]
	res := queryObs(t, s, tok, obsBody([]string{"oUserPresences", "oUserRoutingStatuses"}, pred("queueId", q.ID)))
	presences, routing := map[string]float64{}, map[string]float64{}
	for _, d := range res.Results[0].Data {
		if d.Metric == "oUserPresences" {
			presences[d.Qualifier] = d.Stats["count"]
		} else {
			routing[d.Qualifier] = d.Stats["count"]
		}
	}
	if len(presences) != len(generator.SystemPresences) || len(routing) != len(generator.RoutingStatuses) {
		t.Fatalf("%d presence, %d routing entries", len(presences), len(routing))
	}
	onQueue := res.SystemToOrganizationMappings["ON_QUEUE"]
	if len(onQueue) != 1 || onQueue[0] != generator.PresenceDefinitionID("ON_QUEUE") {
		t.Fatalf("systemToOrganizationMappings %v", res.SystemToOrganizationMappings)
	}
	members := float64(len(q.MemberIDs))
	if presences[onQueue[0]] != members || routing["IDLE"] != members {
		t.Errorf("at start: ON_QUEUE %v, IDLE %v, want all %v members", presences[onQueue[0]], routing["IDLE"], members)
	}
	// the qualifier is the id the users' own presence carries
	u := call(t, s, "GET", "/api/v2/users/"+q.MemberIDs[0]+"/presences/purecloud", tok, "").json(t)
	if id := u["presenceDefinition"].(map[string]any)["id"]; presences[id.(string)] != members {
		t.Errorf("presence definition %v of a member counts %v", id, presences[id.(string)])
	}
}

// TestObservationsQueryMediaType: a mediaType predicate keeps only the queues of that media,
// at the top level of an or filter and in a clause of an and filter alike.
func TestObservationsQueryMediaType(t *testing.T) {
	s, _ := newSim(t, Config{Seed: 4, Queues: 8})
	tok := getToken(t, s)
	var preds []string
	byMedia := map[string][]string{}
	for _, q := range s.Population().Queues {
		preds = append(preds, pred("queueId", q.ID))
		byMedia[q.MediaType] = append(byMedia[q.MediaType], q.ID)
	}
	if len(byMedia) < 2 {
		t.Fatalf("seed gives one media type only: %v", byMedia)
	}
	for media, ids := range byMedia {
		top := obsBody([]string{"oWaiting"}, append(append([]string{}, preds...), pred("mediaType", media))...)
		nested := `{"filter":{"type":"and","clauses":[{"type":"or","predicates":[` + strings.Join(preds, ",") +
			`]},{"type":"or","predicates":[` + pred("mediaType", media) + `]}]},"metrics":["oWaiting"]}`
		for name, body := range map[string]string{"top level": top, "clauses": nested} {
			res := queryObs(t, s, tok, body)
			var got []string
			for _, r := range res.Results {
				if r.Group["mediaType"] != media {
					t.Errorf("%s %s: group %v", name, media, r.Group)
				}
				got = append(got, r.Group["queueId"])
			}
			if !reflect.DeepEqual(got, ids) {
				t.Errorf("%s %s: queues %v, want %v", name, media, got, ids)
			}
		}
	}
}

// TestAnalyticsPredicateLimit: at most 100 predicates per query (top level and clauses).
func TestAnalyticsPredicateLimit(t *testing.T) {
	s, _ := newSim(t, Config{})
	tok := getToken(t, s)
	q := s.Population().Queues[0].ID
	preds := func(n int) []string {
		out := []string{pred("queueId", q)}
		for i := 1; i < n; i++ {
			out = append(out, pred("queueId", fmt.Sprintf("00000000-0000-4000-8000-%012d", i)))
		}
		return out
	}
	if r := call(t, s, "POST", obsPath, tok, obsBody([]string{"oWaiting"}, preds(100)...)); r.status != 200 {
		t.Errorf("100 predicates: %d %s", r.status, r.body)
	}
	over := `{"filter":{"type":"and","predicates":[` + pred("mediaType", "voice") + `],"clauses":[{"type":"or","predicates":[` +
		strings.Join(preds(100), ",") + `]}]},"metrics":["oWaiting"]}`
	r := call(t, s, "POST", obsPath, tok, over)
	if r.status != 400 || !strings.Contains(r.json(t)["message"].(string), "at most 100") {
		t.Errorf("101 predicates: %d %s", r.status, r.body)
	}
	agg := `{"interval":"2026-11-29T09:00:00.000Z/2026-11-29T09:30:00.000Z","filter":{"type":"or","predicates":[` +
		strings.Join(preds(101), ",") + `]},"metrics":["nOffered"]}`
	if r := call(t, s, "POST", aggPath, tok, agg); r.status != 400 || !strings.Contains(r.json(t)["message"].(string), "at most 100") {
		t.Errorf("aggregates, 101 predicates: %d %s", r.status, r.body)
	}
}

// TestRefillAgreesWithNotifications steps the server's own model and, whenever a queue
// publishes, asks REST right away: the observations query and the conversation aggregates
// query answer what the notification carried.
func TestRefillAgreesWithNotifications(t *testing.T) {
	s, _ := newSim(t, Config{Seed: 6, Queues: 3, Agents: 12})
	tok := getToken(t, s)
	now := testStart
	observed, aggregated := 0, 0
	for i := 0; i < 600 && (observed < 20 || aggregated < 20); i++ {
		now = now.Add(time.Second)
		evs := s.model.Step(now)
		for _, e := range evs {
			if !strings.HasSuffix(e.Topic, ".observations") {
				continue
			}
			b, _ := json.Marshal(e.Body)
			var ev struct {
				Group map[string]string
				Data  []struct {
					Interval string
					Metrics  []map[string]any
				}
			}
			_ = json.Unmarshal(b, &ev)
			qid, metrics := ev.Group["queueId"], ev.Data[0].Metrics
			if strings.HasPrefix(metrics[0]["metric"].(string), "o") {
				observed++
				var want []map[string]any
				for _, m := range metrics {
					if inFilter(generator.QueueObservationMetrics, m["metric"].(string)) {
						want = append(want, m)
					}
				}
				r := call(t, s, "POST", obsPath, tok, obsBody(generator.QueueObservationMetrics, pred("queueId", qid)))
				var got struct {
					Results []struct{ Data []map[string]any }
				}
				_ = json.Unmarshal(r.body, &got)
				if len(got.Results) != 1 || !reflect.DeepEqual(got.Results[0].Data, want) {
					t.Fatalf("%s: query %s, notification %v", isoTime(now), r.body, want)
				}
				continue
			}
			aggregated++
			body := `{"interval":"` + ev.Data[0].Interval + `","groupBy":["queueId","mediaType"],"filter":{"type":"or","predicates":[` +
				pred("queueId", qid) + `]},"metrics":["nOffered","tAbandon","tAnswered","tHandle","tWait"]}`
			r := call(t, s, "POST", aggPath, tok, body)
			var got struct {
				Results []struct {
					Group map[string]string
					Data  []struct {
						Interval string
						Metrics  []map[string]any
					}
				}
			}
			_ = json.Unmarshal(r.body, &got)
			var want []map[string]any
			for _, m := range metrics {
				if m["stats"].(map[string]any)["count"].(float64) > 0 {
					want = append(want, m)
				}
			}
			if len(want) == 0 {
				if len(got.Results) != 0 {
					t.Fatalf("no counts in the notification, aggregates %s", r.body)
				}
				continue
			}
			if len(got.Results) != 1 || got.Results[0].Group["queueId"] != qid || got.Results[0].Group["mediaType"] != ev.Group["mediaType"] ||
				got.Results[0].Data[0].Interval != ev.Data[0].Interval || !reflect.DeepEqual(got.Results[0].Data[0].Metrics, want) {
				t.Fatalf("%s: aggregates %s, notification %v under %s", isoTime(now), r.body, want, ev.Data[0].Interval)
			}
		}
	}
	if observed < 20 || aggregated < 20 {
		t.Errorf("compared only %d observation and %d aggregate notifications", observed, aggregated)
	}
}
