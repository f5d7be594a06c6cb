package session

import (
	"fmt"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// openGapsLocked opens a gap for every topic of ch that has none open yet.
func (m *Manager) openGapsLocked(ch *channelState, reason string, at time.Time) []event.Gap {
	var out []event.Gap
	for _, k := range ch.topics {
		r := m.topics[k]
		if r == nil || r.status.State == event.StateRejected {
			continue
		}
		if _, open := m.openGaps[k]; open {
			continue
		}
		out = append(out, m.openGapLocked(k, event.Gap{Topic: r.name, Start: at, Reason: reason}))
	}
	return out
}

// openGapLocked records g as the open gap of key.
func (m *Manager) openGapLocked(key string, g event.Gap) event.Gap {
	m.openGaps[key] = g
	m.logGapLocked(g)
	m.ctr.add(&m.ctr.gaps, 1)
	return g
}

// closeGapLocked ends the open gap of key at end.
func (m *Manager) closeGapLocked(key string, g event.Gap, end time.Time) event.Gap {
	delete(m.openGaps, key)
	g.End = end
	m.logGapLocked(g)
	return g
}

// closeGapsLocked ends the open gaps of every topic in keys.
func (m *Manager) closeGapsLocked(keys []string, end time.Time) []event.Gap {
	var out []event.Gap
	for _, k := range keys {
		if g, ok := m.openGaps[k]; ok {
			out = append(out, m.closeGapLocked(k, g, end))
		}
	}
	return out
}

// logGapLocked keeps the recent gaps for Status: an opened gap is replaced by its closed form.
func (m *Manager) logGapLocked(g event.Gap) {
	for i := len(m.gapLog) - 1; i >= 0; i-- {
		if m.gapLog[i].Topic == g.Topic && m.gapLog[i].Start.Equal(g.Start) {
			m.gapLog[i] = g
			return
		}
	}
	if len(m.gapLog) >= maxGapLog {
		m.gapLog = append(m.gapLog[:0], m.gapLog[len(m.gapLog)-maxGapLog+1:]...)
	}
	m.gapLog = append(m.gapLog, g)
}

// A topic that is acquired but not yet subscribed is as blind as one whose socket
// dropped: events published for it are not delivered. A first subscription normally
// comes within one handshake, so only a topic still pending after HandshakeTimeout gets
// a gap, back-dated to when it became pending; it closes with that subscription
// (subscribe) or its release. Without it, a topic whose channel never won a slot
// (another holder evicting it, issue #23) or whose first connection fails was blind
// with no gap at all, shown only as "pending".

// waitingLocked: the topic waits for its first subscription and has no gap yet.
func (m *Manager) waitingLocked(key string, r *topicRef) bool {
	_, open := m.openGaps[key]
	return r.status.State == event.StatePending && !r.pendingSince.IsZero() && !open
}

// firstSubscribeDueLocked is when the earliest pending topic without a gap is due one
// (zero: none is waiting).
func (m *Manager) firstSubscribeDueLocked() time.Time {
	var first time.Time
	for k, r := range m.topics {
		if !m.waitingLocked(k, r) {
			continue
		}
		if due := r.pendingSince.Add(m.cfg.HandshakeTimeout); first.IsZero() || due.Before(first) {
			first = due
		}
	}
	return first
}

// reportWaiting opens, and tells the sink, the gaps of topics waiting too long.
func (m *Manager) reportWaiting() {
	m.mu.Lock()
	gaps := m.openWaitingGapsLocked(m.cfg.Clock.Now())
	m.mu.Unlock()
	m.emit(nil, gaps, nil)
}

// openWaitingGapsLocked opens the gap of every topic pending for HandshakeTimeout or more.
func (m *Manager) openWaitingGapsLocked(now time.Time) []event.Gap {
	var out []event.Gap
	for k, r := range m.topics {
		if !m.waitingLocked(k, r) || now.Before(r.pendingSince.Add(m.cfg.HandshakeTimeout)) {
			continue
		}
		reason := fmt.Sprintf("not subscribed yet, %s after it was requested", now.Sub(r.pendingSince).Round(time.Second))
		if m.state != StateConnected && m.reason != "" {
			reason += ": " + m.reason
		}
		out = append(out, m.openGapLocked(k, event.Gap{Topic: r.name, Start: r.pendingSince, Reason: reason}))
	}
	return out
}
