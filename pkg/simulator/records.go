package simulator

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Record is one thing a client did (or a fault the simulator applied to it).
// Token is a short hash of the access token, never the token itself.
type Record struct {
	Time    time.Time `json:"time"`
	Kind    string    `json:"kind"` // token, token_denied, channel_create, channel_list, channel_head, subscribe, upgrade, upgrade_rejected, upgrade_dropped, ping, http_fault, unauthorized, ...
	Channel string    `json:"channel,omitempty"`
	Token   string    `json:"token,omitempty"`
	Status  int       `json:"status,omitempty"`
	Detail  string    `json:"detail,omitempty"`
}

// recorder keeps the last max records and a total count per kind.
type recorder struct {
	mu      sync.Mutex
	max     int
	items   []Record
	counts  map[string]int
	changed chan struct{} // closed and replaced on every add
}

func (r *recorder) add(rec Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.counts == nil {
		r.counts = map[string]int{}
	}
	r.counts[rec.Kind]++
	if len(r.items) >= r.max {
		n := copy(r.items, r.items[len(r.items)/10+1:])
		r.items = r.items[:n]
	}
	r.items = append(r.items, rec)
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
}

// WaitCount blocks until Count(kind) >= n or ctx ends (then it returns ctx's error with the
// count reached). Tests use it instead of polling.
func (s *Server) WaitCount(ctx context.Context, kind string, n int) error {
	for {
		s.rec.mu.Lock()
		got := s.rec.counts[kind]
		if got >= n {
			s.rec.mu.Unlock()
			return nil
		}
		if s.rec.changed == nil {
			s.rec.changed = make(chan struct{})
		}
		ch := s.rec.changed
		s.rec.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %d %q records, have %d: %w", n, kind, got, ctx.Err())
		}
	}
}

// record stores rec (stamped with the clock) and logs it as one line.
func (s *Server) record(rec Record) {
	rec.Time = s.clock.Now()
	s.rec.add(rec)
	if !s.log.Enabled(context.Background(), slog.LevelInfo) {
		return
	}
	attrs := make([]any, 0, 8)
	for _, kv := range [][2]string{{"channel", rec.Channel}, {"token", rec.Token}, {"detail", rec.Detail}} {
		if kv[1] != "" {
			attrs = append(attrs, kv[0], kv[1])
		}
	}
	if rec.Status != 0 {
		attrs = append(attrs, "status", rec.Status)
	}
	s.log.Info("sim "+rec.Kind, attrs...)
}

// Records returns a copy of the kept records, oldest first.
func (s *Server) Records() []Record {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return append([]Record(nil), s.rec.items...)
}

// Count is how many records of kind were ever made (including ones no longer kept).
func (s *Server) Count(kind string) int {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return s.rec.counts[kind]
}

// ResetRecords forgets every record and count.
func (s *Server) ResetRecords() {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	s.rec.items, s.rec.counts = nil, nil
}
