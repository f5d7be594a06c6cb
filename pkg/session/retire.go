package session

import (
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// Replaced ("retired") sockets: make-before-break keeps the old socket delivering
// while its replacement is built; here it is ended without losing what it received.

// dropRetiredLocked forgets s once its reader has returned.
func (m *Manager) dropRetiredLocked(s *socketConn) {
	for i, r := range m.retired {
		if r == s {
			m.retired = append(m.retired[:i], m.retired[i+1:]...)
			return
		}
	}
}

// drainRetired ends replaced sockets without losing what they received: once the
// drain period is over it sends a close frame, and the reader returns by itself after
// reading everything the peer sent before its close reply (dropRetiredLocked). A
// reader still behind DrainTimeout later is cut off, and its channel's topics get a
// closed gap from its last message to now: what it had not read is reported, not lost.
func (m *Manager) drainRetired() {
	now := m.cfg.Clock.Now()
	var closing, cut []*socketConn
	m.mu.Lock()
	keep := m.retired[:0]
	for _, s := range m.retired {
		switch {
		case now.Before(s.drainAt):
		case !s.closeSent:
			s.closeSent, s.drainAt = true, now.Add(m.cfg.DrainTimeout)
			closing = append(closing, s)
		default:
			cut = append(cut, s)
			continue
		}
		keep = append(keep, s)
	}
	m.retired = keep
	m.mu.Unlock()
	for _, s := range closing {
		s.sendClose()
	}
	var gaps []event.Gap
	for _, s := range cut {
		behind := !s.waiting.Load() // busy with a message, so maybe more unread behind it
		s.close()
		if behind {
			gaps = append(gaps, m.cutGaps(s, now)...)
		}
	}
	m.emit(nil, gaps, nil)
}

// retiredLostLocked reports what a replaced socket missed when it ended before its
// replacement took over, although its end was only noticed afterwards: the reader
// saw the socket fail while the loop was building the new channel (a socket_closing
// deadline or a drop during a slow replacement), and its note came after the swap.
// Events from its last message until the new channel was subscribed reached neither
// socket. A socket that ended after the swap lost nothing: the new channel carried
// everything from then on.
func (m *Manager) retiredLostLocked(s *socketConn) []event.Gap {
	start := time.Unix(0, s.lastMsg.Load())
	if !s.lostEarly.Load() || s.retiredAt.IsZero() || start.After(s.retiredAt) {
		return nil
	}
	m.cfg.Logger.Warn("a replaced socket was closed by the service before its replacement took over",
		"channel", shortID(s.ch.id), "lastMessage", start, "replacedAt", s.retiredAt)
	return m.closedGapsLocked(s.ch.topics, start, s.retiredAt, "socket closed before its replacement took over")
}

// closedGapsLocked records closed gaps [start, end] for the topics keys. Topics with an
// open gap are skipped: that gap already says they miss events, and a closed record
// would end it in the sink.
func (m *Manager) closedGapsLocked(keys []string, start, end time.Time, reason string) []event.Gap {
	var out []event.Gap
	for _, k := range keys {
		r := m.topics[k]
		if _, open := m.openGaps[k]; r == nil || open || r.status.State == event.StateRejected {
			continue
		}
		g := event.Gap{Topic: r.name, Start: start, End: end, Reason: reason}
		m.logGapLocked(g)
		m.ctr.add(&m.ctr.gaps, 1)
		out = append(out, g)
	}
	return out
}

// cutGaps reports, as closed gaps, the time a retired socket's reader had not caught
// up with when it was cut off. Topics with an open gap are skipped: that gap already
// says they miss events, and a closed record would end it in the sink.
func (m *Manager) cutGaps(s *socketConn, now time.Time) []event.Gap {
	start := time.Unix(0, s.lastMsg.Load())
	const reason = "replaced socket closed before its reader caught up"
	m.cfg.Logger.Warn("cut off a replaced socket whose reader was behind", "channel", shortID(s.ch.id), "behindSince", start)
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.closedGapsLocked(s.ch.topics, start, now, reason)
}
