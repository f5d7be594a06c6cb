package simulator

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HTTPFault makes matching requests fail with Status and the real error body.
type HTTPFault struct {
	PathPrefix string        `json:"pathPrefix"` // "" = every path (except /_sim)
	Method     string        `json:"method"`     // "" = any method
	Status     int           `json:"status"`     // 502, 503, 429, ...
	RetryAfter time.Duration `json:"-"`          // sent as Retry-After seconds when > 0
	Count      int           `json:"count"`      // requests to fail; 0 = until cancelled
	Until      time.Time     `json:"until"`      // zero = no end (Clock time)
	// Delay holds each matching request this long on Clock (or until the client gives up)
	// before failing it, or before serving it normally when Status is 0: slow upstreams
	// and client timeouts. Each held request is one waiter on a fake clock.
	Delay time.Duration `json:"-"`
}

type activeFault struct {
	id   int
	f    HTTPFault
	left int // remaining when Count > 0
}

type faultState struct {
	mu     sync.Mutex
	nextID int
	list   []*activeFault
}

// FailHTTP installs f; cancel removes it (idempotent).
func (s *Server) FailHTTP(f HTTPFault) (cancel func()) {
	if f.Status == 0 && f.Delay <= 0 {
		f.Status = 503
	}
	s.faults.mu.Lock()
	s.faults.nextID++
	af := &activeFault{id: s.faults.nextID, f: f, left: f.Count}
	s.faults.list = append(s.faults.list, af)
	s.faults.mu.Unlock()
	s.record(Record{Kind: "fault_http", Status: f.Status, Detail: fmt.Sprintf("%s %s count=%d", f.Method, f.PathPrefix, f.Count)})
	return func() { s.removeFault(af.id) }
}

// ClearHTTPFaults removes every HTTP fault.
func (s *Server) ClearHTTPFaults() {
	s.faults.mu.Lock()
	s.faults.list = nil
	s.faults.mu.Unlock()
}

func (s *Server) removeFault(id int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	for i, af := range s.faults.list {
		if af.id == id {
			s.faults.list = append(s.faults.list[:i], s.faults.list[i+1:]...)
			return
		}
	}
}

// matchFault consumes and returns the first fault matching r, if any.
func (s *Server) matchFault(r *http.Request) *HTTPFault {
	now := s.clock.Now()
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	keep := s.faults.list[:0]
	var hit *HTTPFault
	for _, af := range s.faults.list {
		if !af.f.Until.IsZero() && !now.Before(af.f.Until) {
			continue // over
		}
		if hit == nil && strings.HasPrefix(r.URL.Path, af.f.PathPrefix) &&
			(af.f.Method == "" || strings.EqualFold(af.f.Method, r.Method)) {
			f := af.f
			hit = &f
			if af.f.Count > 0 {
				af.left--
				if af.left <= 0 {
					continue // used up
				}
			}
		}
		keep = append(keep, af)
	}
	s.faults.list = keep
	return hit
}

// withFaults applies HTTP faults to every request outside /_sim.
func (s *Server) withFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_sim/") {
			next.ServeHTTP(w, r)
			return
		}
		f := s.matchFault(r)
		if f == nil {
			next.ServeHTTP(w, r)
			return
		}
		if f.Delay > 0 {
			s.record(Record{Kind: "http_delay", Detail: r.Method + " " + r.URL.Path + " held " + f.Delay.String()})
			t := s.clock.NewTimer(f.Delay)
			select {
			case <-t.Chan():
			case <-r.Context().Done():
				t.Stop()
				return
			case <-s.closed:
				t.Stop()
				return
			}
			if f.Status == 0 {
				next.ServeHTTP(w, r)
				return
			}
		}
		s.record(Record{Kind: "http_fault", Status: f.Status, Detail: r.Method + " " + r.URL.Path})
		if f.RetryAfter > 0 {
			secs := int64((f.RetryAfter + time.Second - 1) / time.Second)
			w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
		}
		if f.Status == 429 && w.Header().Get("inin-ratelimit-allowed") == "" { // the limiter's own, when on, stay
			w.Header().Set("inin-ratelimit-count", "300")
			w.Header().Set("inin-ratelimit-allowed", "300")
			w.Header().Set("inin-ratelimit-reset", "60")
		}
		s.writeError(w, f.Status, "", http.StatusText(f.Status))
	})
}
