// Package refill reads the current state of subscribed topics over REST: when a topic
// is first subscribed and whenever a gap on it closes. The Notification API never
// replays and publishes queue observations only when they change, so without a refill
// a quiet queue shows nothing after a start and a stale value after a gap.
//
// Refilled state goes into the hub as events of the same topics, in the notifications'
// own body shapes, marked Refilled; a refill never replaces a notification that
// arrived after its request was sent. Requests are coalesced into rounds (one batched
// call per family and batch), each topic is refilled at most once per MinInterval,
// failures back off with jitter, and every call takes from a budget shared with the
// name directory.
package refill

import (
	"context"
	"errors"
	"math/rand"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
)

// Fetcher makes the REST calls (with a valid token and the shared budget).
type Fetcher interface {
	Observations(ctx context.Context, queueIDs, metrics []string) ([]genesys.ObservationResult, error)
	Aggregates(ctx context.Context, interval string, queueIDs, metrics []string) ([]genesys.AggregateResult, error)
	Users(ctx context.Context, userIDs []string) ([]genesys.UserState, error)
}

// Store takes refilled state: e is kept unless the topic has an event received after
// since (a notification newer than the REST answer).
type Store interface {
	EventUnlessNewer(e event.Event, since time.Time) bool
}

// Defaults of Config.
const (
	DefaultMinInterval = 30 * time.Second // per topic
	DefaultSettle      = time.Second      // quiet time that ends a burst of requests (one reconnect)
	DefaultMaxSettle   = 5 * time.Second  // the longest a request waits for its burst to end
	DefaultTimeout     = 30 * time.Second // one REST call
	DefaultBackoffBase = 5 * time.Second
	DefaultBackoffCap  = 5 * time.Minute
	DefaultMaxTopics   = 50_000
)

// AggregateMetrics are the current-interval totals a queue refill reads, and the
// interval's service level (which the observations query does not give).
var AggregateMetrics = []string{"nOffered", "tAbandon", "tAnswered", "tHandle", "tWait", "oServiceLevel"}

// Config of a Refiller; zero values take the defaults.
type Config struct {
	Fetch       Fetcher
	Store       Store
	Clock       clockwork.Clock
	Rand        *rand.Rand
	Logger      log.Logger
	MinInterval time.Duration
	Settle      time.Duration
	MaxSettle   time.Duration
	Timeout     time.Duration
	BackoffBase time.Duration
	BackoffCap  time.Duration
	QueueBatch  int // queues per analytics query (≤ genesys.MaxPredicates)
	UserBatch   int // users per lookup (≤ genesys.MaxUsersPerRequest)
	MaxTopics   int // bound on the topics tracked
	// NoAggregates skips the current-interval totals (one analytics query per batch).
	NoAggregates bool
}

// Refiller owns one goroutine (Start; Close stops it).
type Refiller struct {
	cfg    Config
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	wake   chan struct{}
	start  sync.Once
	stop   sync.Once

	mu       sync.Mutex
	topics   map[string]*topicState // by event.Key of the event topic
	roundAt  time.Time              // requests are settling until then (zero: none)
	firstAsk time.Time              // the first request since the last round
	stats    Stats
	changed  chan struct{} // closed and replaced whenever a round ends
}

// topicState is the refill state of one event topic.
type topicState struct {
	target
	active   bool      // subscribed and permitted
	want     bool      // a refill is due at (or after) due
	reason   string    // why it is wanted: "subscribed", "gap closed"
	due      time.Time // not before: MinInterval after the last try, or the backoff
	tried    time.Time // start of the last attempt
	inFlight bool
	failures int       // in a row
	doneAt   time.Time // last success
	err      string    // last failure, "" after a success
	errAt    time.Time
}

// New returns a Refiller; Start begins its loop.
func New(cfg Config) (*Refiller, error) {
	if cfg.Fetch == nil || cfg.Store == nil {
		return nil, errors.New("refill: a fetcher and a store are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.New(rand.NewSource(time.Now().UnixNano()))
	}
	if cfg.Logger == nil {
		cfg.Logger = log.DefaultLogger
	}
	cfg.MinInterval = orDefault(cfg.MinInterval, DefaultMinInterval)
	cfg.Settle = orDefault(cfg.Settle, DefaultSettle)
	cfg.MaxSettle = max(orDefault(cfg.MaxSettle, DefaultMaxSettle), cfg.Settle)
	cfg.Timeout = orDefault(cfg.Timeout, DefaultTimeout)
	cfg.BackoffBase = orDefault(cfg.BackoffBase, DefaultBackoffBase)
	cfg.BackoffCap = orDefault(cfg.BackoffCap, DefaultBackoffCap)
	if cfg.QueueBatch <= 0 || cfg.QueueBatch > genesys.MaxPredicates {
		cfg.QueueBatch = genesys.MaxPredicates
	}
	if cfg.UserBatch <= 0 || cfg.UserBatch > genesys.MaxUsersPerRequest {
		cfg.UserBatch = genesys.MaxUsersPerRequest
	}
	if cfg.MaxTopics <= 0 {
		cfg.MaxTopics = DefaultMaxTopics
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Refiller{cfg: cfg, ctx: ctx, cancel: cancel, done: make(chan struct{}), wake: make(chan struct{}, 1),
		topics: map[string]*topicState{}, changed: make(chan struct{})}, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Start begins the loop (once).
func (r *Refiller) Start() {
	r.start.Do(func() { go r.run() })
}

// Close stops the loop and waits for it (an unstarted Refiller closes at once).
func (r *Refiller) Close() {
	r.stop.Do(func() {
		r.cancel()
		started := true
		r.start.Do(func() { started = false })
		if started {
			<-r.done
		}
	})
}

func (r *Refiller) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Subscribed is called when topic's subscription was permitted: its current state is
// read in the next round.
func (r *Refiller) Subscribed(topic string) {
	r.request(topic, "subscribed", true)
}

// GapClosed is called when a gap on topic closed: what changed while the plugin was
// blind is read in the next round.
func (r *Refiller) GapClosed(topic string) {
	r.request(topic, "gap closed", false)
}

// Unsubscribed is called when topic was rejected or released: no refill is wanted.
func (r *Refiller) Unsubscribed(topic string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, tg := range targets(topic) {
		if st := r.topics[event.Key(tg.topic)]; st != nil {
			st.active, st.want = false, false
		}
	}
}

func (r *Refiller) request(topic, reason string, subscribed bool) {
	tgs := targets(topic)
	if len(tgs) == 0 {
		return
	}
	now := r.cfg.Clock.Now()
	r.mu.Lock()
	for _, tg := range tgs {
		st := r.stateLocked(tg)
		if st == nil {
			continue
		}
		if subscribed {
			st.active = true
		}
		if !st.active {
			continue // a gap on a topic whose verdict we have not seen: its subscription will ask
		}
		st.want, st.reason = true, reason
		if !st.tried.IsZero() {
			st.due = maxTime(st.due, st.tried.Add(r.cfg.MinInterval)) // a backoff still running is kept
		}
	}
	// The next round waits until requests have stopped coming for Settle (a reconnect
	// re-subscribes its channels one after another), but no longer than MaxSettle
	// after the first of them.
	if r.roundAt.IsZero() {
		r.firstAsk = now
	}
	r.roundAt = minTime(now.Add(r.cfg.Settle), r.firstAsk.Add(r.cfg.MaxSettle))
	r.mu.Unlock()
	r.poke()
}

// stateLocked finds or adds tg's state; nil when the table is full of wanted topics.
func (r *Refiller) stateLocked(tg target) *topicState {
	key := event.Key(tg.topic)
	if st := r.topics[key]; st != nil {
		return st
	}
	if len(r.topics) >= r.cfg.MaxTopics {
		for k, st := range r.topics { // forget topics nobody is subscribed to any more
			if !st.active && !st.inFlight {
				delete(r.topics, k)
			}
		}
		if len(r.topics) >= r.cfg.MaxTopics {
			r.stats.Dropped++
			return nil
		}
	}
	st := &topicState{target: tg}
	r.topics[key] = st
	return st
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// run is the loop: a round whenever topics are due, else wait for the next due time
// or a request.
func (r *Refiller) run() {
	defer close(r.done)
	for {
		due, next := r.take()
		if len(due) > 0 {
			r.round(due)
			continue
		}
		wait := time.Hour // nothing due: the timer only keeps one waiter on the clock, which tests rely on
		if !next.IsZero() {
			wait = max(next.Sub(r.cfg.Clock.Now()), time.Millisecond)
		}
		timer := r.cfg.Clock.NewTimer(wait)
		select {
		case <-r.ctx.Done():
			timer.Stop()
			return
		case <-r.wake:
		case <-timer.Chan():
		}
		timer.Stop()
	}
}

// take marks the topics due now as in flight and returns them, or the next time to
// look. While requests are settling (roundAt ahead) nothing is due.
func (r *Refiller) take() ([]*topicState, time.Time) {
	now := r.cfg.Clock.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.roundAt.IsZero() {
		if now.Before(r.roundAt) {
			return nil, r.roundAt
		}
		r.roundAt = time.Time{}
	}
	var due []*topicState
	var next time.Time
	for _, st := range r.topics {
		if !st.want || !st.active || st.inFlight {
			continue
		}
		if st.due.After(now) {
			if next.IsZero() || st.due.Before(next) {
				next = st.due
			}
			continue
		}
		st.want, st.inFlight, st.tried = false, true, now
		due = append(due, st)
	}
	return due, next
}
