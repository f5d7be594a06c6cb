package simulator

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rateWindow is Genesys' rate-limit window for a client-credentials token.
const rateWindow = time.Minute

// rateLimiter counts /api/v2 requests per token per window of Clock.
type rateLimiter struct {
	mu      sync.Mutex
	windows map[string]*tokenWindow // by token hash
}

type tokenWindow struct {
	start time.Time
	count int
}

// withRateLimit applies Config.RateLimitPerMinute to /api/v2 requests: every response carries
// the inin-ratelimit-* headers, and requests over the budget get 429 with Retry-After.
func (s *Server) withRateLimit(next http.Handler) http.Handler {
	limit := s.cfg.RateLimitPerMinute
	if limit <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !strings.HasPrefix(r.URL.Path, "/api/v2/") {
			next.ServeHTTP(w, r)
			return
		}
		now := s.clock.Now()
		count, reset := s.rate.hit(tokenHash(tok), now)
		w.Header().Set("inin-ratelimit-allowed", strconv.Itoa(limit))
		w.Header().Set("inin-ratelimit-count", strconv.Itoa(count))
		w.Header().Set("inin-ratelimit-reset", strconv.Itoa(int(reset.Seconds()+0.999)))
		if count > limit {
			s.record(Record{Kind: "rate_limited", Token: tokenHash(tok), Status: 429, Detail: r.Method + " " + r.URL.Path})
			w.Header().Set("Retry-After", strconv.Itoa(int(reset.Seconds()+0.999)))
			s.writeError(w, 429, "too.many.requests", "Rate limit exceeded the maximum ["+strconv.Itoa(limit)+"] requests within [60] seconds")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hit counts one request and returns the window's count and the time until it resets.
func (l *rateLimiter) hit(key string, now time.Time) (int, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.windows == nil {
		l.windows = map[string]*tokenWindow{}
	}
	w := l.windows[key]
	if w == nil || now.Sub(w.start) >= rateWindow {
		if len(l.windows) >= maxTokens { // bound: forget finished windows
			for k, old := range l.windows {
				if now.Sub(old.start) >= rateWindow {
					delete(l.windows, k)
				}
			}
		}
		w = &tokenWindow{start: now}
		l.windows[key] = w
	}
	w.count++
	return w.count, w.start.Add(rateWindow).Sub(now)
}
