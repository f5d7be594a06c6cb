package refill

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
)

// round refills the due topics: per family, one call per batch.
func (r *Refiller) round(due []*topicState) {
	var queues, users []*topicState
	for _, st := range due {
		if st.kind == kindQueue {
			queues = append(queues, st)
		} else {
			users = append(users, st)
		}
	}
	byID := func(a, b *topicState) int { return strings.Compare(strings.ToLower(a.id), strings.ToLower(b.id)) }
	slices.SortFunc(queues, byID) // a user's topics (presence, routing status, activity) share one lookup
	slices.SortFunc(users, byID)
	for _, batch := range batches(queues, r.cfg.QueueBatch) {
		r.queueBatch(batch)
	}
	for _, batch := range batches(users, r.cfg.UserBatch) {
		r.userBatch(batch)
	}
	r.mu.Lock()
	for _, st := range due {
		st.inFlight = false
	}
	r.stats.Rounds++
	r.stats.LastRound = r.cfg.Clock.Now()
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

// batches cuts topics into groups of at most n distinct entity ids.
func batches(topics []*topicState, n int) [][]*topicState {
	var out [][]*topicState
	var cur []*topicState
	ids := map[string]bool{}
	for _, st := range topics {
		id := strings.ToLower(st.id)
		if !ids[id] && len(ids) == n {
			out, cur, ids = append(out, cur), nil, map[string]bool{}
		}
		ids[id] = true
		cur = append(cur, st)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// idsOf lists the distinct entity ids of topics, in order.
func idsOf(topics []*topicState) []string {
	seen := map[string]bool{}
	var out []string
	for _, st := range topics {
		if k := strings.ToLower(st.id); !seen[k] {
			seen[k] = true
			out = append(out, st.id)
		}
	}
	return out
}

// call runs one REST call with the call timeout and counts it.
func (r *Refiller) call(counter *int64, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(r.ctx, r.cfg.Timeout)
	defer cancel()
	r.mu.Lock()
	r.stats.Calls++
	*counter++
	r.mu.Unlock()
	return fn(ctx)
}

// queueBatch reads observations (and the interval totals) of a batch of queues.
func (r *Refiller) queueBatch(batch []*topicState) {
	ids := idsOf(batch)
	sent := r.cfg.Clock.Now()
	var obs []genesys.ObservationResult
	obsErr := r.call(&r.stats.ObservationCalls, func(ctx context.Context) (err error) {
		obs, err = r.cfg.Fetch.Observations(ctx, ids, genesys.ObservationQueryMetrics)
		return err
	})
	var agg []genesys.AggregateResult
	var aggErr error
	interval := currentInterval(sent)
	if !r.cfg.NoAggregates && r.ctx.Err() == nil {
		aggErr = r.call(&r.stats.AggregateCalls, func(ctx context.Context) (err error) {
			agg, err = r.cfg.Fetch.Aggregates(ctx, interval, ids, AggregateMetrics)
			return err
		})
	}
	if r.ctx.Err() != nil {
		return // closing: nothing to report
	}
	r.logFailure("queue observations", len(ids), obsErr)
	r.logFailure("queue interval totals", len(ids), aggErr)
	now := r.cfg.Clock.Now()
	for _, st := range batch {
		var evs []event.Event
		var problems []string
		if obsErr != nil {
			problems = append(problems, "queue observations: "+obsErr.Error())
		} else {
			n := 0
			for _, res := range obs {
				if strings.EqualFold(res.Group["queueId"], st.id) {
					evs = append(evs, r.refilled(st, observationBody(res, now), now))
					n++
				}
			}
			if n == 0 {
				problems = append(problems, "the observations query returned nothing for queue "+st.id)
			}
		}
		if aggErr != nil {
			problems = append(problems, "interval totals: "+aggErr.Error())
		} else if !r.cfg.NoAggregates {
			evs = append(evs, r.aggregateEvents(st, agg, obs, interval, now)...)
		}
		r.finish(st, evs, sent, problems, firstErr(obsErr, aggErr))
	}
}

// aggregateEvents are the interval totals of st's queue: one event per group answered,
// or, when nothing was counted yet, zeros under each observed group.
func (r *Refiller) aggregateEvents(st *topicState, agg []genesys.AggregateResult, obs []genesys.ObservationResult, interval string, now time.Time) []event.Event {
	var evs []event.Event
	for _, res := range agg {
		if !strings.EqualFold(res.Group["queueId"], st.id) {
			continue
		}
		var metrics []genesys.MetricValue
		for _, d := range res.Data {
			metrics = append(metrics, d.Metrics...)
		}
		evs = append(evs, r.refilled(st, aggregateBody(res.Group, interval, metrics, AggregateMetrics), now))
	}
	if len(evs) > 0 {
		return evs
	}
	for _, res := range obs {
		if strings.EqualFold(res.Group["queueId"], st.id) {
			evs = append(evs, r.refilled(st, aggregateBody(res.Group, interval, nil, AggregateMetrics), now))
		}
	}
	return evs
}

// currentInterval is the 30-minute interval (aligned to the hour, as Genesys' queue
// observation aggregates are) that holds t, as "<start>/<end>".
func currentInterval(t time.Time) string {
	start := t.UTC().Truncate(30 * time.Minute)
	return start.Format(time.RFC3339) + "/" + start.Add(30*time.Minute).Format(time.RFC3339)
}

// userBatch reads presence and routing status of a batch of users.
func (r *Refiller) userBatch(batch []*topicState) {
	ids := idsOf(batch)
	sent := r.cfg.Clock.Now()
	var users []genesys.UserState
	err := r.call(&r.stats.UserCalls, func(ctx context.Context) (err error) {
		users, err = r.cfg.Fetch.Users(ctx, ids)
		return err
	})
	if r.ctx.Err() != nil {
		return
	}
	r.logFailure("users", len(ids), err)
	byID := map[string]genesys.UserState{}
	for _, u := range users {
		byID[strings.ToLower(u.ID)] = u
	}
	now := r.cfg.Clock.Now()
	for _, st := range batch {
		if err != nil {
			r.finish(st, nil, sent, []string{"users: " + err.Error()}, err)
			continue
		}
		u, ok := byID[strings.ToLower(st.id)]
		var body []byte
		var problem string
		switch {
		case !ok:
			problem = "the users lookup returned nothing for user " + st.id
		case st.kind == kindPresence && u.Presence == nil:
			problem = "the users lookup returned no presence for user " + st.id
		case st.kind == kindPresence:
			body = presenceBody(u.Presence)
		case st.kind == kindRoutingState && u.RoutingStatus == nil:
			problem = "the users lookup returned no routing status for user " + st.id
		case st.kind == kindRoutingState:
			body = routingStatusBody(u.ID, u.RoutingStatus)
		default:
			body = activityBody(u)
		}
		if problem != "" || body == nil {
			r.finish(st, nil, sent, []string{cmp(problem, "could not encode the refilled state")}, nil)
			continue
		}
		r.finish(st, []event.Event{r.refilled(st, body, now)}, sent, nil, nil)
	}
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func (r *Refiller) refilled(st *topicState, body []byte, at time.Time) event.Event {
	return event.Event{Topic: st.topic, Body: body, Received: at, Refilled: true}
}

// finish stores a topic's refilled events (unless a notification arrived after sent)
// and records the outcome: problems schedule a retry after the backoff.
func (r *Refiller) finish(st *topicState, evs []event.Event, sent time.Time, problems []string, err error) {
	stored := 0
	for _, e := range evs {
		if len(e.Body) > 0 && r.cfg.Store.EventUnlessNewer(e, sent) {
			stored++
		}
	}
	now := r.cfg.Clock.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case len(problems) == 0:
		st.failures, st.err, st.doneAt = 0, "", now
		if stored > 0 {
			r.stats.Refilled++
		} else {
			r.stats.Superseded++ // a notification came first: it is newer
		}
	default:
		if stored > 0 {
			st.doneAt = now // part of it (observations without totals) is in
		}
		st.failures++
		st.err, st.errAt = strings.Join(problems, "; "), now
		r.stats.Failed++
		if st.active {
			st.want, st.reason = true, "retry"
			st.due = now.Add(r.backoffLocked(st.failures, err))
		}
	}
}

// backoffLocked is the wait before retry n: exponential from BackoffBase to
// BackoffCap, drawn from its upper half, at least the server's Retry-After.
func (r *Refiller) backoffLocked(n int, err error) time.Duration {
	d := r.cfg.BackoffBase
	for i := 1; i < n && d < r.cfg.BackoffCap; i++ {
		d *= 2
	}
	d = min(d, r.cfg.BackoffCap)
	d = d/2 + time.Duration(r.cfg.Rand.Int63n(int64(d/2)+1))
	if ra := genesys.RetryAfter(err); ra > d {
		d = ra
	}
	return d
}

// logFailure logs one line per failed call (not per topic).
func (r *Refiller) logFailure(family string, n int, err error) {
	if err == nil {
		return
	}
	r.cfg.Logger.Warn("current-state refill failed", "call", family, "entities", n, "error", err.Error())
}
