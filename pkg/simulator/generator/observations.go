package generator

import (
	"time"
)

// Metric is one entry of an observation's metrics (notification) or data (query result).
type Metric struct {
	Metric    string         `json:"metric"`
	Qualifier string         `json:"qualifier,omitempty"`
	Stats     map[string]any `json:"stats"`
}

// QueueObservation is one result of POST /api/v2/analytics/queues/observations/query.
type QueueObservation struct {
	Group map[string]string `json:"group"`
	Data  []Metric          `json:"data"`
}

const serviceLevelTarget = 0.8 // the queue's configured service level percentage

// metrics are q's current observations followed by its interval aggregates at t.
func (m *Model) metrics(q *queueState, t time.Time) []Metric {
	return append(m.observed(q, t), m.aggregates(q)...)
}

// observed are q's point-in-time o* metrics at t. oUserPresences and oUserRoutingStatuses
// have one entry per qualifier (every presence definition, every routing status), zero
// counts included, so that a consumer keeping the latest value per qualifier never keeps a
// stale one.
func (m *Model) observed(q *queueState, t time.Time) []Metric {
	count := func(name string, n int) Metric { return Metric{Metric: name, Stats: map[string]any{"count": n}} }
	var onQ = map[string]int{"IDLE": 0, "INTERACTING": 0, "NOT_RESPONDING": 0}
	presences, routing := map[string]int{}, map[string]int{}
	off, active := 0, 0
	for _, a := range q.members {
		presences[a.presence]++
		routing[a.routing]++
		switch {
		case a.presence == "ON_QUEUE":
			onQ[a.routing]++
			active++
		case a.presence != "OFFLINE":
			off++
			active++
		}
	}
	out := []Metric{count("oWaiting", len(q.waiting)), count("oInteracting", q.interacting), count("oAlerting", q.alerting)}
	for _, st := range []string{"IDLE", "INTERACTING", "NOT_RESPONDING"} {
		out = append(out, Metric{Metric: "oOnQueueUsers", Qualifier: st, Stats: map[string]any{"count": onQ[st]}})
	}
	out = append(out, count("oOffQueueUsers", off), count("oActiveUsers", active), count("oMemberUsers", len(q.members)))
	for _, p := range SystemPresences {
		out = append(out, Metric{Metric: "oUserPresences", Qualifier: presenceIDs[p], Stats: map[string]any{"count": presences[p]}})
	}
	for _, st := range RoutingStatuses {
		out = append(out, Metric{Metric: "oUserRoutingStatuses", Qualifier: st, Stats: map[string]any{"count": routing[st]}})
	}
	if len(q.waiting) > 0 {
		longest := t.Sub(q.waiting[0].arrived)
		for _, c := range q.waiting {
			longest = max(longest, t.Sub(c.arrived))
		}
		out = append(out, Metric{Metric: "oLongestWaiting", Stats: map[string]any{"count": 1, "calculatedMetricValue": longest.Milliseconds()}})
	}
	if den := q.answered + q.abandoned; den > 0 {
		out = append(out, Metric{Metric: "oServiceLevel", Stats: map[string]any{
			"ratio": float64(q.inSL) / float64(den), "numerator": q.inSL, "denominator": den, "target": serviceLevelTarget}})
	}
	return out
}

// aggregates are q's n*/t* metrics over the current 30-minute interval.
func (m *Model) aggregates(q *queueState) []Metric {
	out := []Metric{{Metric: "nOffered", Stats: map[string]any{"count": q.offered}}}
	for _, s := range []struct {
		name string
		st   stat
	}{{"tAbandon", q.tAbandon}, {"tAnswered", q.tAnswered}, {"tHandle", q.tHandle}, {"tWait", q.tWait}} {
		if s.st.count > 0 {
			out = append(out, Metric{Metric: s.name, Stats: map[string]any{"count": s.st.count, "sum": s.st.sum, "min": s.st.min, "max": s.st.max}})
		}
	}
	return out
}

// publishObservations emits q's notifications when they changed, at most once a second, in
// the service's two shapes: the o* observations alone under a zero-width interval at the
// moment observed ("<t>/<t>"), and, when an aggregate moved, the n*/t* metrics alone under
// the current 30-minute interval.
func (m *Model) publishObservations(q *queueState, t time.Time) {
	if !q.dirty || t.Sub(q.lastPub) < time.Second {
		return
	}
	q.dirty, q.lastPub = false, t
	group := map[string]string{"queueId": q.ID, "mediaType": q.MediaType}
	topic := "v2.analytics.queues." + q.ID + ".observations"
	m.emit(topic, map[string]any{"group": group,
		"data": []any{map[string]any{"interval": iso(t) + "/" + iso(t), "metrics": m.observed(q, t)}}})
	if q.aggDirty {
		q.aggDirty = false
		m.emit(topic, map[string]any{"group": group,
			"data": []any{map[string]any{"interval": iso(m.intervalStart) + "/" + iso(m.intervalStart.Add(interval)),
				"metrics": m.aggregates(q)}}})
	}
}

// QueueObservationMetrics are the metrics POST /api/v2/analytics/queues/observations/query
// accepts: QueueObservationQuery.metrics of the platform SDKs. The notifications carry more
// (oLongestWaiting, oServiceLevel) than the query may ask for.
var QueueObservationMetrics = []string{"oActiveUsers", "oAlerting", "oInteracting", "oMemberUsers",
	"oOffQueueUsers", "oOnQueueUsers", "oUserPresences", "oUserRoutingStatuses", "oWaiting"}

// RoutingStatuses are the ACD routing statuses, the qualifiers of oUserRoutingStatuses.
var RoutingStatuses = []string{"OFF_QUEUE", "IDLE", "INTERACTING", "NOT_RESPONDING", "COMMUNICATING"}

// SystemPresences are the system presences the organisation has a presence definition for.
var SystemPresences = []string{"AVAILABLE", "AWAY", "BUSY", "OFFLINE", "ON_QUEUE", "BREAK", "MEAL", "MEETING", "TRAINING", "IDLE"}

// PresenceDefinitionID is the id of the organisation's presence definition for a system
// presence ("ON_QUEUE"): the qualifier of oUserPresences, and presenceDefinition.id.
func PresenceDefinitionID(system string) string { return presenceIDs[system] }

// SystemToOrganizationMappings maps each system presence to its organisation presence ids,
// as observation query responses carry it (systemToOrganizationMappings).
func SystemToOrganizationMappings() map[string][]string {
	out := make(map[string][]string, len(SystemPresences))
	for _, p := range SystemPresences {
		out[p] = []string{presenceIDs[p]}
	}
	return out
}

// Selection picks queues for a query: the given queue ids (unknown ones skipped, duplicates
// once) whose media type is one of MediaTypes (any when empty).
type Selection struct {
	QueueIDs   []string
	MediaTypes []string
}

func (m *Model) selected(sel Selection) []*queueState {
	var out []*queueState
	seen := map[string]bool{}
	for _, id := range sel.QueueIDs {
		q := m.queueByID[id]
		if q == nil || seen[id] {
			continue
		}
		seen[id] = true
		if len(sel.MediaTypes) > 0 && !contains(sel.MediaTypes, q.MediaType) {
			continue
		}
		out = append(out, q)
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Observations returns the selected queues' current o* observations, keeping only the named
// metrics, in the order and with the values the queue's next observation notification would
// carry (the state at the model's current time).
func (m *Model) Observations(sel Selection, metrics []string) []QueueObservation {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []QueueObservation{}
	for _, q := range m.selected(sel) {
		data := []Metric{}
		for _, mt := range m.observed(q, m.last) {
			if contains(metrics, mt.Metric) {
				data = append(data, mt)
			}
		}
		out = append(out, QueueObservation{Group: map[string]string{"queueId": q.ID, "mediaType": q.MediaType}, Data: data})
	}
	return out
}

// QueueAggregate is one queue's interval aggregates (n*, t*) as its aggregate notification
// carries them.
type QueueAggregate struct {
	QueueID, MediaType string
	Metrics            []Metric
}

// Aggregates returns the selected queues' n*/t* metrics over the current 30-minute interval
// and that interval's bounds. The model keeps no earlier intervals.
func (m *Model) Aggregates(sel Selection) (from, to time.Time, out []QueueAggregate) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, q := range m.selected(sel) {
		ms := m.aggregates(q)
		if den := q.answered + q.abandoned; den > 0 { // the conversation aggregates query has it too
			ms = append(ms, Metric{Metric: "oServiceLevel", Stats: map[string]any{
				"ratio": float64(q.inSL) / float64(den), "numerator": q.inSL, "denominator": den, "target": serviceLevelTarget}})
		}
		out = append(out, QueueAggregate{QueueID: q.ID, MediaType: q.MediaType, Metrics: ms})
	}
	return m.intervalStart, m.intervalStart.Add(interval), out
}

// Now is the model's current time (the last Step).
func (m *Model) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last
}

// Sample returns about n realistic events (all kinds, in model order) from a separate busy
// copy of the contact centre, without touching m. For benchmarks.
func (m *Model) Sample(n int) []Event {
	if n <= 0 || len(m.pop.Queues) == 0 {
		return nil
	}
	m.mu.Lock()
	cfg, start, seed := m.cfg, m.last, int64(m.rng.Uint64()>>1)
	m.mu.Unlock()
	cfg.Rate = max(cfg.Rate, float64(len(m.pop.Agents)+1)/cfg.MeanHandle.Seconds()*1.2)
	busy := NewModel(m.pop, seed, cfg, start)
	var out []Event
	for t := start; len(out) < n; {
		t = t.Add(time.Second)
		out = append(out, busy.Step(t)...)
	}
	return out[:n]
}
