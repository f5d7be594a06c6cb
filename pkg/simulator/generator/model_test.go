package generator

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

var start = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

func run(seed int64, d time.Duration, cfg Config) (*Model, []Event) {
	m := NewModel(NewPopulation(seed, 5, 20), seed, cfg, start)
	var out []Event
	for t := start; t.Before(start.Add(d)); {
		t = t.Add(time.Second)
		out = append(out, m.Step(t)...)
	}
	return m, out
}

func TestPopulationDeterministic(t *testing.T) {
	a, b := NewPopulation(7, 5, 20), NewPopulation(7, 5, 20)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different population")
	}
	if c := NewPopulation(8, 5, 20); c.Queues[0].ID == a.Queues[0].ID {
		t.Fatal("different seeds, same ids")
	}
	for _, q := range a.Queues {
		if len(q.MemberIDs) == 0 || len(q.ID) != 36 || q.Name == "" {
			t.Errorf("queue %+v", q)
		}
	}
	if big := NewPopulation(1, 40, 3); len(big.Queues) != 40 || big.Queues[39].Name == big.Queues[39-len(queueNames)].Name {
		t.Error("queue names repeat beyond the list")
	}
}

func TestModelDeterministic(t *testing.T) {
	_, a := run(42, 5*time.Minute, Config{Rate: 0.5})
	_, b := run(42, 5*time.Minute, Config{Rate: 0.5})
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatal("same seed and steps produced different events")
	}
	_, c := run(43, 5*time.Minute, Config{Rate: 0.5})
	jc, _ := json.Marshal(c)
	if string(jc) == string(ja) {
		t.Fatal("different seeds produced the same events")
	}
}

func TestModelProducesEveryKind(t *testing.T) {
	_, evs := run(1, 12*time.Minute, Config{Rate: 0.3, MeanOnQueue: 2 * time.Minute, MeanBreak: time.Minute})
	kinds := map[string]int{}
	for _, e := range evs {
		parts := strings.Split(e.Topic, ".")
		kind := parts[1] + "." + parts[len(parts)-1]
		if strings.HasPrefix(e.Topic, "v2.detail") {
			kind = "detail." + strings.Join(parts[5:], ".")
		}
		kinds[kind]++
	}
	for _, k := range []string{"analytics.observations", "routing.conversations", "routing.users", "users.presence",
		"users.routingStatus", "users.activity", "users.conversations", "detail.acd.start", "detail.acd.end",
		"detail.user.start", "detail.user.end", "detail.acw", "detail.customer.end"} {
		if kinds[k] == 0 {
			t.Errorf("no %s events in %v", k, kinds)
		}
	}
}

// TestObservationsConsistent checks the published observations against the conversations.
func TestObservationsConsistent(t *testing.T) {
	m := NewModel(NewPopulation(3, 5, 20), 3, Config{Rate: 0.4}, start)
	type stamped struct {
		Event
		at time.Time
	}
	var evs []stamped
	for t := start; t.Before(start.Add(10 * time.Minute)); {
		t = t.Add(500 * time.Millisecond)
		for _, e := range m.Step(t) {
			evs = append(evs, stamped{e, t})
		}
	}
	lastPub := map[string]time.Time{}
	acdStart, acdEnd := map[string]int{}, map[string]int{}
	for _, e := range evs {
		now := e.at
		body := e.Body.(map[string]any)
		switch {
		case strings.HasSuffix(e.Topic, ".observations"):
			q := body["group"].(map[string]string)["queueId"]
			for _, metric := range body["data"].([]any)[0].(map[string]any)["metrics"].([]Metric) {
				if metric.Metric == "nOffered" && metric.Stats["count"].(int) != acdStart[q] {
					t.Fatalf("queue %s: nOffered %v, acd.start events %d", q, metric.Stats["count"], acdStart[q])
				}
				if metric.Metric == "oWaiting" {
					if w := metric.Stats["count"].(int); w < 0 || w > acdStart[q]-acdEnd[q] {
						t.Fatalf("queue %s: oWaiting %d with %d started, %d ended", q, w, acdStart[q], acdEnd[q])
					}
				}
				if metric.Metric == "oServiceLevel" {
					r := metric.Stats["ratio"].(float64)
					if r < 0 || r > 1 || metric.Stats["denominator"].(int) > acdEnd[q] {
						t.Fatalf("oServiceLevel %v with %d acd.end", metric.Stats, acdEnd[q])
					}
				}
			}
			// each shape (o* observations, n*/t* aggregates) at most once a second per queue
			shape := q + " " + body["data"].([]any)[0].(map[string]any)["metrics"].([]Metric)[0].Metric[:1]
			if prev, ok := lastPub[shape]; ok && now.Sub(prev) < time.Second {
				t.Fatalf("queue %s published twice within a second", shape)
			}
			lastPub[shape] = now
		case strings.HasSuffix(e.Topic, ".acd.start"):
			acdStart[body["queueId"].(string)]++
		case strings.HasSuffix(e.Topic, ".acd.end"):
			acdEnd[body["queueId"].(string)]++
		}
	}
	total := 0
	for _, n := range acdStart {
		total += n
	}
	if total < 120 || total > 400 { // 0.4/s for 10 minutes = 240 expected
		t.Errorf("%d arrivals in 10 minutes at 0.4/s", total)
	}
	// the REST view agrees with the model
	var all []string
	for _, q := range m.Population().Queues {
		all = append(all, q.ID)
	}
	obs := m.Observations(Selection{QueueIDs: all}, []string{"oWaiting", "nOffered"})
	if len(obs) != 5 {
		t.Fatalf("%d observation results", len(obs))
	}
	for _, o := range obs {
		for _, d := range o.Data {
			if d.Metric != "oWaiting" {
				t.Errorf("metric filter let %s through", d.Metric)
			}
		}
	}
	if got := m.Observations(Selection{QueueIDs: []string{"nope"}}, QueueObservationMetrics); len(got) != 0 {
		t.Errorf("unknown queue: %v", got)
	}
}

func TestSample(t *testing.T) {
	m := NewModel(NewPopulation(1, 5, 20), 1, Config{}, start)
	evs := m.Sample(5000)
	if len(evs) != 5000 {
		t.Fatalf("%d events", len(evs))
	}
	if got := m.Step(start.Add(time.Second)); len(got) > 50 {
		t.Errorf("Sample disturbed the model: %d events in its first second", len(got))
	}
}

// TestLongClockJumpIsBounded counts the work a long jump of the clock costs: the model
// catches up at most maxCatchUp in maxStep sub-steps, however long the jump, returns at
// most maxEventsPerStep events, and is at the new time afterwards.
func TestLongClockJumpIsBounded(t *testing.T) {
	jump := func(d time.Duration) (*Model, int64, int) {
		m := NewModel(NewPopulation(1, 5, 20), 1, Config{}, start)
		evs := m.Step(start.Add(d))
		return m, m.subSteps, len(evs)
	}
	bound := int64(maxCatchUp / maxStep)
	m, steps, events := jump(72 * time.Hour)
	if steps != bound {
		t.Errorf("a 72 h jump took %d sub-steps, want the catch-up bound %d", steps, bound)
	}
	if events == 0 || events > maxEventsPerStep {
		t.Errorf("a 72 h jump returned %d events, want 1..%d", events, maxEventsPerStep)
	}
	if _, s1h, _ := jump(maxCatchUp); s1h != bound {
		t.Errorf("a jump of exactly the catch-up bound took %d sub-steps, want %d", s1h, bound)
	}
	if _, s10m, _ := jump(10 * time.Minute); s10m != int64(10*time.Minute/maxStep) {
		t.Errorf("a 10 min jump took %d sub-steps, want every one (%d)", s10m, 10*time.Minute/maxStep)
	}
	// skipped ahead, not left behind: the next second is one sub-step
	m.Step(start.Add(72*time.Hour + time.Second))
	if got := m.subSteps - steps; got != 1 {
		t.Errorf("the second after a 72 h jump took %d sub-steps, want 1", got)
	}
}

func TestWaitingIsBounded(t *testing.T) {
	m := NewModel(NewPopulation(1, 1, 1), 1, Config{Rate: 5000, MeanPatience: time.Hour}, start)
	m.Step(start.Add(5 * time.Second))
	if n := len(m.queues[0].waiting); n > maxWaiting {
		t.Fatalf("%d waiting, bound %d", n, maxWaiting)
	}
}
