package hub

import (
	"slices"
	"sort"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// History returns the held events of topic received in [from, to], oldest first.
// A zero to means "up to now".
func (h *Hub) History(topic string, from, to time.Time) []event.Event {
	h.mu.RLock()
	defer h.mu.RUnlock()
	t := h.topics[event.Key(topic)]
	if t == nil || t.events.Len() == 0 {
		return nil
	}
	cutoff := h.cfg.Clock.Now().Add(-h.cfg.Retention)
	if from.Before(cutoff) {
		from = cutoff // not yet evicted only because no event arrived since
	}
	in := func(r time.Time) bool { return !r.Before(from) && (to.IsZero() || !r.After(to)) }
	var out []event.Event
	if t.unsorted {
		for i := 0; i < t.events.Len(); i++ {
			if e := t.events.At(i).e; in(e.Received) {
				out = append(out, e)
			}
		}
		slices.SortStableFunc(out, func(a, b event.Event) int { return a.Received.Compare(b.Received) })
		return out
	}
	n := t.events.Len()
	i := sort.Search(n, func(i int) bool { return !t.events.At(i).e.Received.Before(from) })
	j := n
	if !to.IsZero() {
		j = sort.Search(n, func(i int) bool { return t.events.At(i).e.Received.After(to) })
	}
	if i >= j {
		return nil
	}
	out = make([]event.Event, 0, j-i)
	for ; i < j; i++ {
		out = append(out, t.events.At(i).e)
	}
	return out
}

// Last returns the newest event of topic, even one that has left the history:
// observations are published only on change, so the last one is still current.
func (h *Hub) Last(topic string) (event.Event, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	t := h.topics[event.Key(topic)]
	if t == nil || !t.hasLast {
		return event.Event{}, false
	}
	return t.last, true
}

// LastBefore returns the newest event of topic received strictly before at: the
// value a stat panel shows at the start of a range.
func (h *Hub) LastBefore(topic string, at time.Time) (event.Event, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	t := h.topics[event.Key(topic)]
	if t == nil || !t.hasLast {
		return event.Event{}, false
	}
	if t.last.Received.Before(at) {
		return t.last, true
	}
	var best event.Event
	found := false
	for i := t.events.Len() - 1; i >= 0; i-- {
		e := t.events.At(i).e
		if e.Received.Before(at) && (!found || e.Received.After(best.Received)) {
			best, found = e, true
			if !t.unsorted {
				break
			}
		}
	}
	return best, found
}

// Gaps returns the gap records of topic overlapping [from, to]; open gaps overlap
// everything after their start. A zero to means "up to now".
func (h *Hub) Gaps(topic string, from, to time.Time) []event.Gap {
	h.mu.RLock()
	defer h.mu.RUnlock()
	t := h.topics[event.Key(topic)]
	if t == nil {
		return nil
	}
	var out []event.Gap
	for _, g := range t.gaps {
		if (to.IsZero() || !g.Start.After(to)) && (g.Open() || !g.End.Before(from)) {
			out = append(out, g)
		}
	}
	return out
}

// Status returns the latest verdict on topic's subscription.
func (h *Hub) Status(topic string) (event.TopicStatus, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	t := h.topics[event.Key(topic)]
	if t == nil || !t.hasStat {
		return event.TopicStatus{}, false
	}
	return t.status, true
}

// Rejections says how many notified events of topic were rejected for their body, and
// the last one's time and reason.
func (h *Hub) Rejections(topic string) Rejections {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if t := h.topics[event.Key(topic)]; t != nil {
		return t.rejected
	}
	return Rejections{}
}
