package simulator

import (
	"net"
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

// withRateLimit applies Config.RateLimitPerMinute to every REST request (/api/v2 and
// /oauth/token; not /_sim nor the socket): every response carries the inin-ratelimit-*
// headers, and requests over the budget get 429 with Retry-After. The budget is per access
// token; a request without one counts against its OAuth client (/oauth/token) or, lacking
// that too, its remote address.
func (s *Server) withRateLimit(next http.Handler) http.Handler {
	limit := s.cfg.RateLimitPerMinute
	if limit <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/v2/") && r.URL.Path != "/oauth/token" {
			next.ServeHTTP(w, r)
			return
		}
		key := rateKey(r)
		count, reset := s.rate.hit(key, s.clock.Now())
		resetSecs := strconv.Itoa(int(reset.Seconds() + 0.999))
		w.Header().Set("inin-ratelimit-allowed", strconv.Itoa(limit))
		w.Header().Set("inin-ratelimit-count", strconv.Itoa(count))
		w.Header().Set("inin-ratelimit-reset", resetSecs)
		if count > limit {
			hash, _ := strings.CutPrefix(key, "token ")
			if hash == key {
				hash = "" // a client id or address, not a token
			}
			s.record(Record{Kind: "rate_limited", Token: hash, Status: 429, Detail: r.Method + " " + r.URL.Path})
			w.Header().Set("Retry-After", resetSecs)
			s.writeError(w, 429, "too.many.requests", "Rate limit exceeded the maximum ["+strconv.Itoa(limit)+"] requests within [60] seconds")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// rateKey is whose budget r spends: "token <hash>", "client <id>" or "addr <host>".
func rateKey(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return "token " + tokenHash(h[7:])
	}
	if id, _, ok := r.BasicAuth(); ok {
		return "client " + id
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "addr " + host
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
