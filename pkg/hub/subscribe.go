package hub

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// Subscription is one live consumer of some topics. Its queue is bounded: when the
// consumer falls behind, new events are dropped and counted, never waited for.
type Subscription struct {
	h       *Hub
	keys    []string
	ch      chan event.Event
	dropped atomic.Uint64
	once    sync.Once
}

// Subscribe starts delivering events of topics (matched case-insensitively) to a
// queue of buffer events (at least 1). Close it when done.
func (h *Hub) Subscribe(topics []string, buffer int) *Subscription {
	if buffer < 1 {
		buffer = 1
	}
	s := &Subscription{h: h, ch: make(chan event.Event, buffer)}
	seen := map[string]bool{}
	for _, t := range topics {
		if k := event.Key(t); !seen[k] {
			seen[k] = true
			s.keys = append(s.keys, k)
		}
	}
	h.subMu.Lock()
	for _, k := range s.keys {
		h.subs[k] = append(h.subs[k], s)
	}
	h.nsubs++
	h.subMu.Unlock()
	return s
}

// C delivers the events; it is closed by Close.
func (s *Subscription) C() <-chan event.Event { return s.ch }

// Dropped counts events not delivered because the queue was full.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Close stops delivery and closes C. It is idempotent.
func (s *Subscription) Close() {
	s.once.Do(func() {
		h := s.h
		h.subMu.Lock()
		for _, k := range s.keys {
			list := slices.DeleteFunc(h.subs[k], func(o *Subscription) bool { return o == s })
			if len(list) == 0 {
				delete(h.subs, k)
			} else {
				h.subs[k] = list
			}
		}
		h.nsubs--
		close(s.ch) // under subMu: publish cannot be sending to it
		h.subMu.Unlock()
	})
}

func (h *Hub) publish(key string, e event.Event) {
	h.subMu.RLock()
	for _, s := range h.subs[key] {
		select {
		case s.ch <- e:
		default:
			s.dropped.Add(1)
			h.dropped.Add(1)
		}
	}
	h.subMu.RUnlock()
}
