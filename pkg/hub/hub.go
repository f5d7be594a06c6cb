// Package hub keeps what the connection manager delivers (events, gaps, topic
// verdicts) for queries and alert rules, and fans events out to live streams.
//
// Memory is bounded twice: by time (Retention) and by an estimate of the bytes held
// across all topics (MaxBytes). Events of all topics sit in one global arrival
// order, so evicting the oldest event overall is O(1) amortised per event whatever
// the rate. The last event of each topic is kept apart from the history: Genesys
// publishes observations only on change, so the last value stays the current value
// long after it has left the history window.
package hub

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// Defaults used when Config leaves a field zero.
const (
	DefaultRetention = time.Hour
	DefaultMaxBytes  = 64 << 20
	// DefaultMaxEventsPerTopic keeps one noisy topic from owning the whole budget.
	DefaultMaxEventsPerTopic = 100_000
	// MaxGapsPerTopic bounds the gap records of one topic (the newest are kept).
	MaxGapsPerTopic = 100
	// eventOverhead estimates what one held event costs beyond its strings:
	// the struct, its ring slot and its global-order entry.
	eventOverhead = 128
)

// Config bounds the hub. Zero values take the defaults above.
type Config struct {
	Retention         time.Duration // events older than this are evicted (default 1h)
	MaxBytes          int64         // bound on all history, bodies plus overhead (default 64 MiB)
	MaxEventsPerTopic int           // default DefaultMaxEventsPerTopic
	Clock             clockwork.Clock
}

// Stats are counters for the status resource and metrics.
type Stats struct {
	Topics      int    `json:"topics"`
	Events      int    `json:"events"`
	Bytes       int64  `json:"bytes"`
	Evicted     uint64 `json:"evicted"`  // events removed by time, bytes or per-topic bound
	Rejected    uint64 `json:"rejected"` // notified events whose body was not valid JSON
	Dropped     uint64 `json:"dropped"`  // live events not delivered to slow subscribers
	Subscribers int    `json:"subscribers"`
}

// Hub is safe for concurrent use. Its Sink methods never block.
type Hub struct {
	cfg Config

	mu       sync.RWMutex
	topics   map[string]*topicState // by event.Key
	byName   map[string]*topicState // by Topic as sent, so Event skips lower-casing; reset when it outgrows topics
	order    fifo[orderEntry]       // global arrival order of held events
	stale    int                    // entries of order whose event already left its topic
	seq      uint64
	bytes    int64
	events   int
	evicted  uint64
	rejected uint64

	subMu   sync.RWMutex
	subs    map[string][]*Subscription // by event.Key; a slice, as publish walks it for every event
	nsubs   int
	dropped atomic.Uint64
}

type orderEntry struct {
	t   *topicState
	seq uint64
}

type heldEvent struct {
	e    event.Event
	seq  uint64
	size int64
}

type topicState struct {
	key      string // event.Key of the topic
	events   fifo[heldEvent]
	unsorted bool // an event arrived earlier than its predecessor: History sorts
	last     event.Event
	hasLast  bool
	gaps     []event.Gap
	status   event.TopicStatus
	hasStat  bool
	rejected Rejections
}

// New returns an empty hub.
func New(cfg Config) *Hub {
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.MaxEventsPerTopic <= 0 {
		cfg.MaxEventsPerTopic = DefaultMaxEventsPerTopic
	}
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	return &Hub{cfg: cfg, topics: map[string]*topicState{}, byName: map[string]*topicState{}, subs: map[string][]*Subscription{}}
}

func (h *Hub) topic(key string) *topicState {
	t := h.topics[key]
	if t == nil {
		t = &topicState{key: key}
		h.topics[key] = t
	}
	return t
}

// Stats reports the hub's counters.
func (h *Hub) Stats() Stats {
	h.mu.RLock()
	s := Stats{Topics: len(h.topics), Events: h.events, Bytes: h.bytes, Evicted: h.evicted, Rejected: h.rejected}
	h.mu.RUnlock()
	h.subMu.RLock()
	s.Subscribers = h.nsubs
	h.subMu.RUnlock()
	s.Dropped = h.dropped.Load()
	return s
}
