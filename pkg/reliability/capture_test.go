package reliability

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/hub"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
)

// tokenSpy wraps the auth source and remembers every token value it handed out.
type tokenSpy struct {
	*auth.Source
	mu     sync.Mutex
	values map[string]bool
}

func (s *tokenSpy) Token(ctx context.Context) (auth.Token, error) {
	t, err := s.Source.Token(ctx)
	if err == nil {
		s.mu.Lock()
		s.values[t.Value] = true
		s.mu.Unlock()
	}
	return t, err
}

func (s *tokenSpy) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.values))
	for v := range s.values {
		out = append(out, v)
	}
	return out
}

// recorder is the session's sink: it forwards to the hub and keeps what it needs to
// check delivery (events by their "n", how often each arrived) and the gaps.
type recorder struct {
	h    *hub.Hub
	mu   sync.Mutex
	got  map[int]int
	gaps []event.Gap
}

func (r *recorder) Event(e event.Event) {
	r.h.Event(e)
	var b struct{ N *int }
	if json.Unmarshal(e.Body, &b) == nil && b.N != nil {
		r.mu.Lock()
		r.got[*b.N]++
		r.mu.Unlock()
	}
}
func (r *recorder) Gap(g event.Gap) {
	r.h.Gap(g)
	r.mu.Lock()
	r.gaps = append(r.gaps, g)
	r.mu.Unlock()
}
func (r *recorder) TopicStatus(s event.TopicStatus) { r.h.TopicStatus(s) }
func (r *recorder) Rejected(x event.Rejected)       { r.h.Rejected(x) }

func (r *recorder) delivered(n int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[n]
}

// covered reports whether at lies in a gap of topic: an open record without a matching
// close covers everything after its start.
func (r *recorder) covered(topic string, at time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := event.Key(topic)
	type span struct{ start, end time.Time }
	spans := map[time.Time]*span{}
	for _, g := range r.gaps {
		if event.Key(g.Topic) != key {
			continue
		}
		s := spans[g.Start]
		if s == nil {
			s = &span{start: g.Start}
			spans[g.Start] = s
		}
		if !g.Open() {
			s.end = g.End
		}
	}
	for _, s := range spans {
		if !at.Before(s.start) && (s.end.IsZero() || !at.After(s.end)) {
			return true
		}
	}
	return false
}

var _ session.Sink = (*recorder)(nil)
