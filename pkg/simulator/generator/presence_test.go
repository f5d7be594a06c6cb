package generator

import (
	"strings"
	"testing"
	"time"
)

// TestPresenceChangesAtDemoRates: at the demo's rates (the default 0.2/s and the busy 2/s,
// where every agent is always on a call) agents still leave the queue for breaks, meals,
// meetings, training and off-queue work every few minutes, so an "agents by presence"
// panel over 20 agents (40 user topics: presence + routingStatus) changes within minutes.
// Breaks that fall due during a call start when its after-call work ends.
func TestPresenceChangesAtDemoRates(t *testing.T) {
	for _, rate := range []float64{0.2, 2} {
		for seed := int64(1); seed <= 20; seed++ {
			m := NewModel(NewPopulation(seed, 5, 20), seed, Config{Rate: rate}, start)
			presence, routing, fromACW, away, firstAt := 0, 0, 0, 0, time.Duration(0)
			agents, reasons, lastRouting := map[string]bool{}, map[string]bool{}, map[string]string{}
			for now := start; now.Before(start.Add(300 * time.Second)); {
				now = now.Add(250 * time.Millisecond)
				for _, e := range m.Step(now) {
					switch {
					case strings.HasSuffix(e.Topic, ".presence"):
						presence++
						agents[e.Topic] = true
						p := e.Body.(map[string]any)["presenceDefinition"].(map[string]any)["systemPresence"].(string)
						reasons[p] = true
						if p != "ON_QUEUE" {
							away++
							if lastRouting[strings.TrimSuffix(e.Topic, ".presence")] == "INTERACTING" {
								fromACW++ // straight from after-call work, never idle in between
							}
						}
						if firstAt == 0 {
							firstAt = now.Sub(start)
						}
					case strings.HasSuffix(e.Topic, ".routingStatus"):
						routing++
						lastRouting[strings.TrimSuffix(e.Topic, ".routingStatus")] = e.Body.(map[string]any)["routingStatus"].(map[string]any)["status"].(string)
					}
				}
			}
			t.Logf("rate %g seed %d: %d presence events from %d agents (first after %s, presences %v), %d of %d absences straight from after-call work, %d routing-status events",
				rate, seed, presence, len(agents), firstAt, reasons, fromACW, away, routing)
			// 20 agents, on queue ~4 min between absences of ~2-4 min: about 18 changes in
			// 5 minutes (11 to 24 over seeds 1-20 at both rates); 10 is well above the 0
			// before the fix, where busy agents were never idle long enough for a break.
			if presence < 10 || len(agents) < 6 {
				t.Errorf("rate %g seed %d: %d presence events from %d agents in 300 s, want >= 10 from >= 6 agents",
					rate, seed, presence, len(agents))
			}
			if rate >= 2 && fromACW*2 < away {
				t.Errorf("rate %g seed %d: only %d of %d absences began when after-call work ended", rate, seed, fromACW, away)
			}
			if firstAt > 2*time.Minute {
				t.Errorf("rate %g seed %d: first presence change after %s, want within 2 minutes", rate, seed, firstAt)
			}
		}
	}
}

// AgentStatus (the REST expansions) reports what the last presence and routing-status
// events said.
func TestAgentStatusFollowsEvents(t *testing.T) {
	m := NewModel(NewPopulation(3, 5, 20), 3, Config{Rate: 2}, start)
	lastPresence, lastRouting := map[string]string{}, map[string]string{}
	for now := start; now.Before(start.Add(5 * time.Minute)); {
		now = now.Add(time.Second)
		for _, e := range m.Step(now) {
			body, _ := e.Body.(map[string]any)
			switch {
			case strings.HasSuffix(e.Topic, ".presence"):
				lastPresence[strings.Split(e.Topic, ".")[2]] = body["presenceDefinition"].(map[string]any)["systemPresence"].(string)
			case strings.HasSuffix(e.Topic, ".routingStatus"):
				lastRouting[strings.Split(e.Topic, ".")[2]] = body["routingStatus"].(map[string]any)["status"].(string)
			}
		}
	}
	if len(lastPresence) == 0 || len(lastRouting) == 0 {
		t.Fatal("no presence or routing events")
	}
	for _, a := range m.Population().Agents {
		st, ok := m.AgentStatus(a.ID)
		if !ok {
			t.Fatalf("AgentStatus(%s) unknown", a.ID)
		}
		if p, seen := lastPresence[a.ID]; seen && st.Presence != p || !seen && st.Presence != "ON_QUEUE" {
			t.Errorf("%s: presence %s, last event %q", a.ID, st.Presence, p)
		}
		if r, seen := lastRouting[a.ID]; seen && st.Routing != r {
			t.Errorf("%s: routing %s, last event %s", a.ID, st.Routing, r)
		}
		if st.PresenceID == "" {
			t.Errorf("%s: no presence definition id", a.ID)
		}
	}
	if _, ok := m.AgentStatus("nope"); ok {
		t.Error("an unknown id has a status")
	}
}
