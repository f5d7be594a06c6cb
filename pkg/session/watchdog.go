package session

import (
	"fmt"
	"time"
)

// watchdog pings sockets silent for two heartbeat periods and drops those that do not
// answer within PongTimeout.
func (m *Manager) watchdog() {
	now := m.cfg.Clock.Now()
	silence := 2 * m.cfg.HeartbeatInterval
	var dead []*socketConn
	m.mu.Lock()
	var live []*socketConn
	for _, ch := range m.channels {
		if ch.sock != nil {
			live = append(live, ch.sock)
		}
	}
	m.mu.Unlock()
	for _, s := range live {
		last := time.Unix(0, s.lastMsg.Load())
		switch {
		case !s.pingAt.IsZero() && s.msgs.Load() > s.msgsAtPing:
			s.pingAt = time.Time{} // answered (a pong or any other message)
		case !s.pingAt.IsZero() && !now.Before(s.pingAt.Add(m.cfg.PongTimeout)):
			dead = append(dead, s)
			continue
		}
		if s.pingAt.IsZero() && !now.Before(last.Add(silence)) {
			s.msgsAtPing = s.msgs.Load()
			s.pingAt = now
			m.ctr.add(&m.ctr.pings, 1)
			m.cfg.Logger.Info("notification socket silent; pinging", "silentFor", now.Sub(last).String())
			if err := s.ping(); err != nil {
				dead = append(dead, s)
			}
		}
	}
	for _, s := range dead {
		// The note goes in before the socket is closed: the reader's own "socket closed
		// (1006)" note, which the close causes, must come second, or the gap would name
		// the symptom instead of the cause (seen 2 times in 20 runs under load).
		reason := fmt.Sprintf("no pong within %s", m.cfg.PongTimeout)
		m.mu.Lock()
		m.notes = append(m.notes, note{sock: s, kind: "lost", reason: reason})
		m.mu.Unlock()
		s.close()
	}
	if len(dead) > 0 {
		m.processNotes()
	}
}

// pong is called by a reader for {"message":"pong"}: it answers Check's waiters.
func (m *Manager) pong(s *socketConn) {
	m.ctr.add(&m.ctr.pongs, 1)
	m.mu.Lock()
	keep := m.checks[:0]
	var done []*pingWaiter
	for _, w := range m.checks {
		if w.sock == s {
			done = append(done, w)
			continue
		}
		keep = append(keep, w)
	}
	m.checks = keep
	m.mu.Unlock()
	for _, w := range done {
		w.finish(nil)
	}
}

// nextWake is how long the loop may sleep: until the next backoff end, watchdog
// deadline, token or channel expiry lead, drain end or healthy-period end.
func (m *Manager) nextWake() time.Duration {
	now := m.cfg.Clock.Now()
	next := now.Add(time.Hour)
	at := func(t time.Time) {
		if t.Before(next) {
			next = t
		}
	}
	m.mu.Lock()
	backingOff := now.Before(m.nextTry)
	if backingOff {
		at(m.nextTry)
		if m.probing && m.nextTry.Sub(now) >= probeMin {
			at(maxTime(m.nextProbe, m.holdUntil))
		}
	}
	pending := len(m.notes) > 0
	for _, ch := range m.channels {
		if held := m.evictionWaitLocked(ch, now); !held.IsZero() {
			at(held) // an evicted channel waiting for its hold is not pending before it
		} else if ch.sock == nil || ch.dirty || ch.resubscribe || ch.replace != "" || ch.gone || ch.id == "" {
			pending = true
		}
		if ch.id != "" {
			lead := m.extendAt(ch)
			if t := m.rotateAt(ch); t.Before(lead) {
				lead = t
			}
			if lead.After(now) || !backingOff {
				at(lead)
			}
		}
		if s := ch.sock; s != nil {
			if s.pingAt.IsZero() {
				at(time.Unix(0, s.lastMsg.Load()).Add(2 * m.cfg.HeartbeatInterval))
			} else {
				at(s.pingAt.Add(m.cfg.PongTimeout))
			}
		}
	}
	for _, s := range m.retired {
		at(s.drainAt)
	}
	if due := m.firstSubscribeDueLocked(); !due.IsZero() {
		at(due) // a topic still waiting for its first subscription then gets its gap
	}
	if m.attempt > 0 && !m.healthy.IsZero() {
		at(m.healthy.Add(m.cfg.HealthyAfter))
	}
	m.mu.Unlock()
	if pending && !backingOff {
		return 0
	}
	d := next.Sub(now)
	if d < time.Millisecond {
		d = time.Millisecond
	}
	return d
}
