package session

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// States of the connection.
const (
	StateConnecting   = "connecting"
	StateConnected    = "connected"
	StateReconnecting = "reconnecting"
	StateAuthFailed   = "auth_failed"
	StateStopped      = "stopped"
)

// topicRef is one acquired topic.
type topicRef struct {
	name   string // as first acquired
	refs   int
	status event.TopicStatus
	ch     *channelState // nil while unassigned (pending, rejected)
	// pendingSince is when the topic last became pending (acquired, or given a channel
	// after the budget refused it): a gap opened for a first subscription that does not
	// come starts here (gaps.go).
	pendingSince time.Time
}

// Manager owns the connection of one data source. Its loop goroutine does every
// handshake; socket reader goroutines deliver events. Safe for concurrent use.
type Manager struct {
	cfg Config

	mu          sync.Mutex
	topics      map[string]*topicRef // by event.Key
	channels    []*channelState
	retired     []*socketConn            // replaced sockets draining until drainAt
	live        map[*socketConn]struct{} // every socket whose reader runs
	notes       []note                   // from readers to the loop, bounded
	state       string
	reason      string
	since       time.Time
	attempt     int           // consecutive failures since the last healthy period
	downSince   time.Time     // when the current down period began; zero while up
	downBefore  time.Duration // downtime of the earlier down periods of this run of failures
	nextTry     time.Time     // no handshakes before this (backoff)
	probing     bool          // probes run while the backoff does (probe.go)
	nextProbe   time.Time     // the next probe
	holdUntil   time.Time     // no request at all before this (the service's Retry-After)
	healthy     time.Time     // when everything became connected; zero when not
	openGaps    map[string]event.Gap
	gapLog      []event.Gap // recent closed/opened gaps, bounded
	checks      []*pingWaiter
	ctr         counters
	dedupe      *dedupe
	keys        map[string]string // topic as sent -> event.Key, so deliver does not lower-case per event (bounded)
	lastToken   auth.Token        // the token the last channel was created with (its lifetime matters)
	creates     []time.Time       // when the last shortTokenBurst channels were created
	evictions   []time.Time       // our channels that vanished while held, in the last hour (evict.go)
	paced       []time.Time       // paced replacements of evicted channels in the last hour
	evictNext   time.Time         // no paced replacement before this
	evictLast   string            // the id of the last channel evicted past the threshold
	failedLast  *channelState     // the channel whose handshake failed last: last in the next pass
	idleChecked bool              // with no topic acquired, the token was fetched once (idleStep)
	idleErr     error             // what that fetch said
	started     bool
	stopped     bool
	lastError   string

	sinkMu sync.Mutex // serialises Sink calls

	probeMu sync.Mutex    // one Check probe at a time
	probe   *channelState // Check's own channel when no topic is acquired

	wake   chan struct{} // cap 1: "something changed"
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // socket readers
	loopWG sync.WaitGroup // the loop
}

// note is something a reader saw that the loop must act on.
type note struct {
	sock   *socketConn
	kind   string // "lost", "socket_closing", "no_longer_subscribed", "token_revoked"
	reason string
}

const (
	maxNotes  = 256
	maxGapLog = 200
)

// New validates cfg; it starts nothing.
func New(cfg Config) (*Manager, error) {
	if err := cfg.fill(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Manager{
		cfg: cfg, topics: map[string]*topicRef{}, openGaps: map[string]event.Gap{}, live: map[*socketConn]struct{}{},
		state: StateConnecting, reason: "not started", since: cfg.Clock.Now(),
		dedupe: newDedupe(cfg.DedupeSize), keys: map[string]string{},
		wake: make(chan struct{}, 1), ctx: ctx, cancel: cancel,
	}
	return m, nil
}

// Start starts the loop; calling it twice, or after Close, does nothing.
func (m *Manager) Start() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.started || m.stopped {
		return
	}
	m.started = true
	m.loopWG.Add(1)
	go m.run()
}

// Close stops the loop and every socket and waits for their goroutines; idempotent.
func (m *Manager) Close() {
	m.mu.Lock()
	if m.stopped {
		m.mu.Unlock()
		return
	}
	m.stopped = true
	m.mu.Unlock()
	m.cancel()
	m.loopWG.Wait() // the loop has stopped: no new sockets from here on
	m.mu.Lock()
	socks := make([]*socketConn, 0, len(m.live))
	for s := range m.live {
		socks = append(socks, s)
	}
	m.channels, m.retired = nil, nil
	m.setStateLocked(StateStopped, "closed")
	for _, w := range m.checks {
		w.finish(errStopped)
	}
	m.checks = nil
	m.mu.Unlock()
	for _, s := range socks {
		s.close()
	}
	m.wg.Wait() // readers
}

// Acquire subscribes topics (reference-counted); release undoes it once, however often
// it is called. Subscriptions change asynchronously on the loop.
func (m *Manager) Acquire(topics ...string) (release func()) {
	var keys []string
	var pending []event.TopicStatus
	now := m.cfg.Clock.Now()
	m.mu.Lock()
	for _, t := range topics {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		k := event.Key(t)
		keys = append(keys, k)
		r := m.topics[k]
		if r == nil {
			r = &topicRef{name: t, status: event.TopicStatus{Topic: t, State: event.StatePending}, pendingSince: now}
			m.topics[k] = r
			pending = append(pending, r.status)
		}
		r.refs++
	}
	m.idleChecked = false // the next idle pass signs in again
	m.mu.Unlock()
	m.emit(nil, nil, pending)
	m.poke()
	var once sync.Once
	return func() { once.Do(func() { m.release(keys) }) }
}

func (m *Manager) release(keys []string) {
	now := m.cfg.Clock.Now()
	var closed []event.Gap
	m.mu.Lock()
	for _, k := range keys {
		r := m.topics[k]
		if r == nil {
			continue
		}
		r.refs--
		if r.refs > 0 {
			continue
		}
		delete(m.topics, k)
		if r.ch != nil {
			r.ch.dirty = true
		}
		if g, ok := m.openGaps[k]; ok { // nobody watches it any more: the gap ends here
			closed = append(closed, m.closeGapLocked(k, g, now))
		}
	}
	m.mu.Unlock()
	m.emit(nil, closed, nil)
	m.poke()
}

// poke wakes the loop without blocking.
func (m *Manager) poke() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

func (m *Manager) setStateLocked(state, reason string) {
	if m.state == state && m.reason == reason {
		return
	}
	if m.state != state {
		m.cfg.Logger.Info("notification session state", "from", m.state, "to", state, "reason", reason)
	}
	m.state, m.reason, m.since = state, reason, m.cfg.Clock.Now()
}

func (m *Manager) allSocketsLocked() []*socketConn {
	var out []*socketConn
	for _, ch := range m.channels {
		if ch.sock != nil {
			out = append(out, ch.sock)
		}
	}
	return append(out, m.retired...)
}
