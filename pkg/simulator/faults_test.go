package simulator

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestHTTPFaults(t *testing.T) {
	s, fc := newSim(t, Config{})
	tok := getToken(t, s)
	tests := []struct {
		name       string
		fault      HTTPFault
		method     string
		path       string
		want       []int // statuses of consecutive calls
		retryAfter string
	}{
		{"count", HTTPFault{PathPrefix: "/api/v2/users", Status: 502, Count: 2}, "GET", "/api/v2/users", []int{502, 502, 200}, ""},
		{"429 with Retry-After", HTTPFault{PathPrefix: "/api/v2/", Status: 429, RetryAfter: 1500 * time.Millisecond, Count: 1},
			"GET", "/api/v2/routing/queues", []int{429, 200}, "2"},
		{"method filter", HTTPFault{PathPrefix: "/api/v2/notifications/channels", Method: "POST", Status: 503, Count: 1},
			"GET", "/api/v2/notifications/channels", []int{200}, ""},
		{"token endpoint", HTTPFault{PathPrefix: "/oauth/", Status: 503, Count: 1}, "POST", "/oauth/token", []int{503}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cancel := s.FailHTTP(tc.fault)
			defer cancel()
			for i, want := range tc.want {
				r := call(t, s, tc.method, tc.path, tok, "")
				if r.status != want {
					t.Fatalf("call %d: %d, want %d", i, r.status, want)
				}
				if want >= 500 || want == 429 {
					sameKeys(t, "fault body", r.json(t), "message", "code", "status", "contextId", "details", "errors")
					if got := r.header.Get("Retry-After"); got != tc.retryAfter {
						t.Errorf("Retry-After %q, want %q", got, tc.retryAfter)
					}
				}
			}
		})
	}
	// until a time on the clock, then over; cancel is idempotent
	cancel := s.FailHTTP(HTTPFault{Status: 503, Until: testStart.Add(time.Minute)})
	if r := call(t, s, "GET", "/api/v2/users", tok, ""); r.status != 503 {
		t.Fatalf("until: %d", r.status)
	}
	if r := call(t, s, "GET", "/_sim/channels", "", ""); r.status != 200 {
		t.Fatalf("control endpoint must not fail: %d", r.status)
	}
	fc.Advance(time.Minute)
	if r := call(t, s, "GET", "/api/v2/users", tok, ""); r.status != 200 {
		t.Fatalf("after until: %d", r.status)
	}
	cancel()
	cancel()
	s.FailHTTP(HTTPFault{Status: 502})
	s.ClearHTTPFaults()
	if r := call(t, s, "GET", "/api/v2/users", tok, ""); r.status != 200 {
		t.Fatalf("after clear: %d", r.status)
	}
	if s.Count("http_fault") != 5 {
		t.Errorf("http_fault records %d, want 5", s.Count("http_fault"))
	}
}

func TestHTTPDelay(t *testing.T) {
	s, fc := newSim(t, Config{})
	tok := getToken(t, s)
	s.FailHTTP(HTTPFault{PathPrefix: "/api/v2/users", Delay: time.Minute, Count: 1})
	got := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("GET", s.URL()+"/api/v2/users", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- 0
			return
		}
		res.Body.Close()
		got <- res.StatusCode
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := fc.BlockUntilContext(ctx, 2); err != nil { // heartbeat ticker + held request
		t.Fatal(err)
	}
	select {
	case st := <-got:
		t.Fatalf("answered before the delay: %d", st)
	default:
	}
	fc.Advance(time.Minute)
	if st := <-got; st != 200 {
		t.Fatalf("after the delay: %d, want the normal answer", st)
	}
	// a client that gives up releases the held request
	s.FailHTTP(HTTPFault{PathPrefix: "/api/v2/users", Delay: time.Hour, Status: 503})
	short, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	req, _ := http.NewRequestWithContext(short, "GET", s.URL()+"/api/v2/users", nil)
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("held request answered")
	}
}

func TestRateLimit(t *testing.T) {
	s, fc := newSim(t, Config{RateLimitPerMinute: 3})
	tok, other := getToken(t, s), getToken(t, s)
	for i := 1; i <= 3; i++ {
		r := call(t, s, "GET", "/api/v2/users", tok, "")
		if r.status != 200 || r.header.Get("inin-ratelimit-count") != strconv.Itoa(i) || r.header.Get("inin-ratelimit-allowed") != "3" {
			t.Fatalf("call %d: %d %v", i, r.status, r.header)
		}
	}
	fc.Advance(20 * time.Second)
	r := call(t, s, "GET", "/api/v2/users", tok, "")
	if r.status != 429 || r.header.Get("Retry-After") != "40" {
		t.Fatalf("over budget: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	if r := call(t, s, "GET", "/api/v2/users", other, ""); r.status != 200 {
		t.Fatalf("another token shares the budget: %d", r.status)
	}
	fc.Advance(40 * time.Second)
	if r := call(t, s, "GET", "/api/v2/users", tok, ""); r.status != 200 {
		t.Fatalf("next window: %d", r.status)
	}
	if s.Count("rate_limited") != 1 {
		t.Errorf("rate_limited records %d", s.Count("rate_limited"))
	}
}

// TestSeedScenario replays the seed thread: 502s on REST while the token expires, then every
// upgrade of the old channel (stale token) is refused; a fresh token, a new channel and a
// subscription make events flow again.
func TestSeedScenario(t *testing.T) {
	for _, drop := range []bool{false, true} {
		name := map[bool]string{false: "refused 401", true: "dropped 1006"}[drop]
		t.Run(name, func(t *testing.T) {
			s, fc := newSim(t, Config{TokenLifetime: 5 * time.Minute, DropStaleUpgrades: drop, HeartbeatInterval: time.Hour})
			tok, c, ws := connected(t, s, "v2.users.u1.presence")
			cancel := s.FailHTTP(HTTPFault{PathPrefix: "/", Status: 502})
			s.DropAllSockets() // the 502 outage takes the socket down
			if err := readErr(t, ws); !isAbnormal(err) {
				t.Fatalf("socket during outage: %v", err)
			}
			if _, res, err := dial(t, c.ConnectURI); err == nil || res.StatusCode != 502 {
				t.Fatalf("upgrade during outage: %v", err)
			}
			fc.Advance(5 * time.Minute) // the token expires while the link is down
			cancel()
			for i := 0; i < 3; i++ { // naive backoff replays the stale channel: refused every time
				conn, res, err := dial(t, c.ConnectURI)
				if drop {
					if err != nil || !isAbnormal(readErr(t, conn)) {
						t.Fatalf("attempt %d: want accept then 1006, got %v", i, err)
					}
				} else if err == nil || res.StatusCode != 401 {
					t.Fatalf("attempt %d: want 401, got %v", i, err)
				}
			}
			if r := call(t, s, "GET", "/api/v2/notifications/channels/"+c.ID+"/subscriptions", tok, ""); r.status != 401 {
				t.Fatalf("stale token REST: %d", r.status)
			}
			_, c2, ws2 := connected(t, s, "v2.users.u1.presence") // the fix: new token, new channel
			if s.Publish("v2.users.u1.presence", map[string]any{"ok": true}) != 1 {
				t.Fatal("event did not reach the new socket")
			}
			if m := readMsg(t, ws2); m["topicName"] != "v2.users.u1.presence" {
				t.Fatalf("got %v", m)
			}
			if c2.ID == c.ID || s.Count("token") != 2 || s.Count("http_fault") != 1 {
				t.Errorf("records: tokens %d, http faults %d", s.Count("token"), s.Count("http_fault"))
			}
			stale := s.Count("upgrade_rejected") + s.Count("upgrade_dropped")
			if stale != 3 {
				t.Errorf("stale upgrades recorded %d, want 3", stale)
			}
		})
	}
}
