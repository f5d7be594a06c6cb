package refill

import (
	"context"
	"sort"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// Stats are totals since New, for the status resource.
type Stats struct {
	Rounds           int64     `json:"rounds"`
	Calls            int64     `json:"calls"`
	ObservationCalls int64     `json:"observationCalls"`
	AggregateCalls   int64     `json:"aggregateCalls"`
	UserCalls        int64     `json:"userCalls"`
	Refilled         int64     `json:"refilled"`   // topics whose current state was stored
	Superseded       int64     `json:"superseded"` // answers dropped: a notification was newer
	Failed           int64     `json:"failed"`     // topic refills that failed (retried)
	Dropped          int64     `json:"dropped"`    // requests refused: too many topics tracked
	LastRound        time.Time `json:"lastRound"`
}

// TopicState is one topic's refill, as the status resource and frame notices show it.
type TopicState struct {
	Topic      string    `json:"topic"`
	RefilledAt time.Time `json:"refilledAt"`        // last success (zero: never)
	Error      string    `json:"error,omitempty"`   // last failure, until a success
	ErrorAt    time.Time `json:"errorAt,omitempty"` // when it failed
	Pending    bool      `json:"pending"`           // a refill is due or running
}

// Status is the refill part of the status resource: totals, and the topics whose last
// refill failed (at most maxStatusTopics, newest failures first).
type Status struct {
	Stats
	Tracked int          `json:"tracked"`
	Pending int          `json:"pending"`
	Failing []TopicState `json:"failing"`
}

const maxStatusTopics = 100

// State is the refill state of an event topic (false when it was never asked for).
func (r *Refiller) State(topic string) (TopicState, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.topics[event.Key(topic)]
	if st == nil {
		return TopicState{}, false
	}
	return st.public(), true
}

func (st *topicState) public() TopicState {
	return TopicState{Topic: st.topic, RefilledAt: st.doneAt, Error: st.err, ErrorAt: st.errAt,
		Pending: st.active && (st.want || st.inFlight)}
}

// Status is a snapshot for the status resource.
func (r *Refiller) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := Status{Stats: r.stats, Tracked: len(r.topics), Failing: []TopicState{}}
	for _, st := range r.topics {
		if st.active && (st.want || st.inFlight) {
			out.Pending++
		}
		if st.err != "" && st.active {
			out.Failing = append(out.Failing, st.public())
		}
	}
	sort.Slice(out.Failing, func(i, j int) bool { return out.Failing[i].ErrorAt.After(out.Failing[j].ErrorAt) })
	if len(out.Failing) > maxStatusTopics {
		out.Failing = out.Failing[:maxStatusTopics]
	}
	return out
}

// Await returns when every refillable topic of topics (subscription names) has had
// its first refill since it was subscribed, succeeded or failed, or when ctx ends.
// Alert queries use it: a rule evaluated right after a start must see the current
// value, not "no data".
func (r *Refiller) Await(ctx context.Context, topics []string) {
	for {
		r.mu.Lock()
		settled, changed := true, r.changed
		for _, topic := range topics {
			for _, tg := range targets(topic) {
				if !r.topics[event.Key(tg.topic)].settled() {
					settled = false
				}
			}
		}
		r.mu.Unlock()
		if settled {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-r.ctx.Done():
			return
		}
	}
}

// settled: st was refilled since it was last asked for, or its refill failed and
// waits for a retry.
func (st *topicState) settled() bool {
	return st != nil && st.active && !st.inFlight && (!st.want || st.failures > 0)
}
