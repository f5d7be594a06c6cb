package hub

import (
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// Event stores e and hands it to live subscribers. Called from the session's
// goroutine: it never blocks on a consumer and costs O(1) amortised.
func (h *Hub) Event(e event.Event) {
	h.mu.Lock()
	key := h.storeLocked(e)
	h.mu.Unlock()
	h.publish(key, e)
}

// EventUnlessNewer stores e, current state read over REST when since, unless the
// topic's last event is a notification received after since: a notification that
// came while the request was out is newer than its answer. (One answer may make
// several events, e.g. observations and interval totals: they all go in.)
func (h *Hub) EventUnlessNewer(e event.Event, since time.Time) bool {
	h.mu.Lock()
	if t := h.topics[event.Key(e.Topic)]; t != nil && t.hasLast && !t.last.Refilled && t.last.Received.After(since) {
		h.mu.Unlock()
		return false
	}
	key := h.storeLocked(e)
	h.mu.Unlock()
	h.publish(key, e)
	return true
}

// storeLocked adds e to its topic's history and last value; it returns the topic's key.
func (h *Hub) storeLocked(e event.Event) string {
	size := int64(len(e.Body)+len(e.Topic)+len(e.CorrelationID)) + eventOverhead
	t := h.byName[e.Topic]
	if t == nil {
		t = h.topic(event.Key(e.Topic))
		if len(h.byName) >= 2*len(h.topics)+64 { // many spellings of few topics: start over
			clear(h.byName)
		}
		h.byName[e.Topic] = t
	}
	key := t.key
	h.seq++
	if n := t.events.Len(); n > 0 && e.Received.Before(t.events.At(n-1).e.Received) {
		t.unsorted = true
	}
	t.events.Push(heldEvent{e: e, seq: h.seq, size: size})
	t.last, t.hasLast = e, true
	h.order.Push(orderEntry{t: t, seq: h.seq})
	h.bytes += size
	h.events++
	for t.events.Len() > h.cfg.MaxEventsPerTopic {
		h.dropFront(t)
		h.stale++ // its order entry stays behind until compacted
	}
	h.evictLocked(h.cfg.Clock.Now().Add(-h.cfg.Retention))
	return key
}

// dropFront removes the oldest event of t.
func (h *Hub) dropFront(t *topicState) {
	old := t.events.Pop()
	h.bytes -= old.size
	h.events--
	h.evicted++
	if t.events.Len() == 0 {
		t.unsorted = false
	}
}

// evictLocked removes events older than cutoff and the oldest events overall while
// over the byte budget, then compacts the global order when it is mostly stale.
func (h *Hub) evictLocked(cutoff time.Time) {
	for h.order.Len() > 0 {
		front := h.order.Front()
		t := front.t
		if t.events.Len() == 0 || t.events.Front().seq != front.seq {
			h.order.Pop() // its event was already removed by the per-topic bound
			h.stale--
			continue
		}
		if h.bytes <= h.cfg.MaxBytes && !t.events.Front().e.Received.Before(cutoff) {
			break
		}
		h.order.Pop()
		h.dropFront(t)
	}
	if h.stale > 1024 && h.stale > h.order.Len()/2 {
		h.order.Filter(func(o orderEntry) bool {
			return o.t.events.Len() > 0 && o.seq >= o.t.events.Front().seq
		})
		h.stale = 0
	}
}

// Gap records a gap; called when it opens (End zero) and again when it closes. A
// closing call ends the open gap it belongs to; a gap starting before the previous
// one ended is merged into it, so the records stay few and non-overlapping.
func (h *Hub) Gap(g event.Gap) {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.topic(event.Key(g.Topic))
	if !g.Open() {
		// Closing: end the open gap it belongs to (same start, or the gap it was merged into).
		for i := len(t.gaps) - 1; i >= 0; i-- {
			old := &t.gaps[i]
			if old.Open() && !old.Start.After(g.Start) {
				old.End = g.End
				return
			}
		}
	}
	if n := len(t.gaps); n > 0 {
		prev := &t.gaps[n-1]
		if !prev.Open() && !g.Start.After(prev.End) && !g.Start.Before(prev.Start) {
			if g.Open() || g.End.After(prev.End) {
				prev.End = g.End
			}
			return
		}
	}
	t.gaps = append(t.gaps, g)
	if len(t.gaps) > MaxGapsPerTopic {
		t.gaps = append(t.gaps[:0], t.gaps[len(t.gaps)-MaxGapsPerTopic:]...)
	}
}

// TopicStatus records the latest verdict on a topic's subscription.
func (h *Hub) TopicStatus(s event.TopicStatus) {
	h.mu.Lock()
	t := h.topic(event.Key(s.Topic))
	t.status, t.hasStat = s, true
	h.mu.Unlock()
}

// Rejections is what a topic's viewers are told about its rejected events.
type Rejections struct {
	Count  int
	Last   time.Time // when the last one arrived
	Reason string    // why the last one was rejected
}

// Rejected records a notified event left out because its body is not valid JSON.
func (h *Hub) Rejected(r event.Rejected) {
	h.mu.Lock()
	t := h.topic(event.Key(r.Topic))
	t.rejected.Count++
	if !r.At.Before(t.rejected.Last) {
		t.rejected.Last, t.rejected.Reason = r.At, r.Reason
	}
	h.rejected++
	h.mu.Unlock()
}
