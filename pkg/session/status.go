package session

import (
	"sort"
	"sync/atomic"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// counters are monotonic totals since New.
type counters struct {
	events, bytes, duplicates, malformed, oversized   atomic.Int64
	heartbeats, pings, pongs, system, gaps, sockets   atomic.Int64
	reconnects, channelsCreated, subscribes, failures atomic.Int64
	authFailures, rejectedTopics, probes              atomic.Int64
}

func (c *counters) add(v *atomic.Int64, n int64) { v.Add(n) }

// Counters is the JSON form of the counters.
type Counters struct {
	Events          int64 `json:"events"`
	Bytes           int64 `json:"bytes"`
	Duplicates      int64 `json:"duplicates"`
	Malformed       int64 `json:"malformed"`
	Oversized       int64 `json:"oversized"`
	Heartbeats      int64 `json:"heartbeats"`
	Pings           int64 `json:"pings"`
	Pongs           int64 `json:"pongs"`
	SystemMessages  int64 `json:"systemMessages"`
	Gaps            int64 `json:"gaps"`
	SocketsOpened   int64 `json:"socketsOpened"`
	Reconnects      int64 `json:"reconnects"`
	ChannelsCreated int64 `json:"channelsCreated"`
	Subscribes      int64 `json:"subscribes"`
	Failures        int64 `json:"failures"`
	AuthFailures    int64 `json:"authFailures"`
	RejectedTopics  int64 `json:"rejectedTopics"`
	TokenFetches    int64 `json:"tokenFetches"`
	TokenFailures   int64 `json:"tokenFailures"`
	Probes          int64 `json:"probes"` // cheap requests between handshakes during an outage
}

// ChannelStatus describes one channel. The id is shortened: it is the socket's
// credential. A channel still being created has an empty id.
type ChannelStatus struct {
	ID        string    `json:"id"`
	Topics    int       `json:"topics"`
	Expires   time.Time `json:"expires"`
	Connected bool      `json:"connected"`
	// ReplaceAt: the channel was evicted by another holder of the OAuth client and is
	// replaced no earlier than this (see Status.EvictionWarning).
	ReplaceAt time.Time `json:"replaceAt,omitzero"`
}

// TopicState is one acquired topic.
type TopicState struct {
	event.TopicStatus
	Refs int `json:"refs"`
	// SocketOpen: the topic's channel has an open socket, so its events can arrive now
	// (a permitted topic waiting for a new channel has none).
	SocketOpen bool `json:"socketOpen"`
}

// Status is a JSON-serialisable snapshot: no tokens, secrets or full channel ids.
type Status struct {
	State       string          `json:"state"`
	Reason      string          `json:"reason"`
	Since       time.Time       `json:"since"`
	Attempt     int             `json:"attempt"`
	NextAttempt time.Time       `json:"nextAttempt,omitzero"`
	NextProbe   time.Time       `json:"nextProbe,omitzero"` // while backing off: the next cheap check whether the service is back
	LastError   string          `json:"lastError,omitempty"`
	Channels    []ChannelStatus `json:"channels"`
	Topics      []TopicState    `json:"topics"`
	OpenGaps    int             `json:"openGaps"`
	Gaps        []event.Gap     `json:"gaps"`
	Counters    Counters        `json:"counters"`
	// Evictions counts our channels that vanished while we held them (another holder of
	// the OAuth client created a 21st channel) in the last hour. From EvictionThreshold on,
	// EvictionWarning says so and what to plan, and replacements are paced.
	Evictions       int    `json:"evictions"`
	EvictionWarning string `json:"evictionWarning,omitempty"`
}

// Connected reports whether the state is connected.
func (s Status) Connected() bool { return s.State == StateConnected }

// State is the connection state and its reason, without the rest of Status (whose
// topic list and gap log cost O(topics) to copy): for every topic query's notices.
func (m *Manager) State() (state, reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state, m.reason
}

// Status returns a snapshot.
func (m *Manager) Status() Status {
	m.mu.Lock()
	st := Status{State: m.state, Reason: m.reason, Since: m.since, Attempt: m.attempt, LastError: m.lastError,
		OpenGaps: len(m.openGaps), Gaps: append([]event.Gap{}, m.gapLog...), Channels: []ChannelStatus{}, Topics: []TopicState{}}
	if now := m.cfg.Clock.Now(); m.nextTry.After(now) {
		st.NextAttempt = m.nextTry
		if m.probing && m.nextTry.Sub(now) >= probeMin {
			st.NextProbe = maxTime(m.nextProbe, m.holdUntil)
		}
	}
	now := m.cfg.Clock.Now()
	for _, ch := range m.channels { // a channel not created yet shows with an empty id
		st.Channels = append(st.Channels, ChannelStatus{ID: shortID(ch.id), Topics: len(ch.topics), Expires: ch.expires, Connected: ch.sock != nil,
			ReplaceAt: m.evictionWaitLocked(ch, now)})
	}
	st.Evictions, st.EvictionWarning = m.evictionsLocked(now)
	for _, r := range m.topics {
		ts := r.status
		ts.MissingPermissions = append([]string(nil), ts.MissingPermissions...)
		st.Topics = append(st.Topics, TopicState{TopicStatus: ts, Refs: r.refs, SocketOpen: r.ch != nil && r.ch.sock != nil})
	}
	m.mu.Unlock()
	sort.Slice(st.Topics, func(i, j int) bool { return st.Topics[i].Topic < st.Topics[j].Topic })
	st.Counters = m.counters()
	return st
}

func (m *Manager) counters() Counters {
	c := &m.ctr
	fetches, failures := m.cfg.Auth.Stats()
	return Counters{
		Events: c.events.Load(), Bytes: c.bytes.Load(), Duplicates: c.duplicates.Load(), Malformed: c.malformed.Load(),
		Oversized: c.oversized.Load(), Heartbeats: c.heartbeats.Load(), Pings: c.pings.Load(), Pongs: c.pongs.Load(),
		SystemMessages: c.system.Load(), Gaps: c.gaps.Load(), SocketsOpened: c.sockets.Load(), Reconnects: c.reconnects.Load(),
		ChannelsCreated: c.channelsCreated.Load(), Subscribes: c.subscribes.Load(), Failures: c.failures.Load(),
		AuthFailures: c.authFailures.Load(), RejectedTopics: c.rejectedTopics.Load(), TokenFetches: fetches, TokenFailures: failures,
		Probes: c.probes.Load(),
	}
}

// shortID keeps enough of a channel id to tell channels apart in a status page.
func shortID(id string) string {
	if len(id) <= 8 {
		return id
	}
	return id[:8] + "…"
}
