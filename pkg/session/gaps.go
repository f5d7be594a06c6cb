package session

import (
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
		g := event.Gap{Topic: r.name, Start: at, Reason: reason}
		m.openGaps[k] = g
		m.logGapLocked(g)
		m.ctr.add(&m.ctr.gaps, 1)
		out = append(out, g)
	}
	return out
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
