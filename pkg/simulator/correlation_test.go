package simulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestCorrelationIDOnEveryResponse(t *testing.T) {
	s, _ := newSim(t, Config{})
	tok := getToken(t, s)
	send := func(method, path, corr string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, s.URL()+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		if corr != "" {
			req.Header.Set(correlationHeader, corr)
		}
		res, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	seen := map[string]bool{}
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v2/users"}, {"GET", "/api/v2/tokens/me"}, {"POST", "/api/v2/notifications/channels"},
		{"GET", "/api/v2/routing/queues/nope"}, {"DELETE", "/api/v2/users"}, {"GET", "/nothing"},
	} {
		res := send(c.method, c.path, "")
		id := res.Header.Get(correlationHeader)
		if len(id) != 36 || seen[id] {
			t.Errorf("%s %s: %s %q, want a fresh UUID", c.method, c.path, correlationHeader, id)
		}
		seen[id] = true
		if got := send(c.method, c.path, "client-chosen-42").Header.Get(correlationHeader); got != "client-chosen-42" {
			t.Errorf("%s %s: echoed %q, want the request's", c.method, c.path, got)
		}
	}
	if r := tokenReq(t, s, "sim-client", "wrong", "grant_type=client_credentials"); r.header.Get(correlationHeader) == "" {
		t.Error("/oauth/token error lacks the correlation id")
	}
	// an error body's contextId is the correlation id
	r := call(t, s, "GET", "/api/v2/routing/queues/nope", tok, "")
	if r.json(t)["contextId"] != r.header.Get(correlationHeader) {
		t.Errorf("contextId %v, header %q", r.json(t)["contextId"], r.header.Get(correlationHeader))
	}
	if got := send("GET", "/api/v2/users", strings.Repeat("x", 500)).Header.Get(correlationHeader); len(got) != 36 {
		t.Errorf("an oversized id is echoed: %q", got)
	}
}

// With rate limiting on, every REST response carries the inin-ratelimit-* headers: errors,
// unauthenticated calls and token requests too, each against its own budget.
func TestRateLimitHeadersOnEveryResponse(t *testing.T) {
	s, _ := newSim(t, Config{RateLimitPerMinute: 50})
	tok := getToken(t, s)
	for _, r := range []resp{
		call(t, s, "GET", "/api/v2/users", tok, ""),
		call(t, s, "GET", "/api/v2/routing/queues/nope", tok, ""),
		call(t, s, "DELETE", "/api/v2/users", tok, ""),
		call(t, s, "GET", "/api/v2/users", "", ""),
		tokenReq(t, s, "sim-client", "sim-secret", "grant_type=client_credentials"),
	} {
		if r.header.Get("inin-ratelimit-allowed") != "50" || r.header.Get("inin-ratelimit-count") == "" || r.header.Get("inin-ratelimit-reset") == "" {
			t.Errorf("%d %s: headers %v", r.status, r.body, r.header)
		}
	}
	if r := call(t, s, "GET", "/api/v2/users", tok, ""); r.header.Get("inin-ratelimit-count") != "4" {
		t.Errorf("token budget count %q, want 4 (the token's own calls)", r.header.Get("inin-ratelimit-count"))
	}
	s2, _ := newSim(t, Config{})
	if r := call(t, s2, "GET", "/api/v2/users", getToken(t, s2), ""); r.header.Get("inin-ratelimit-allowed") != "" {
		t.Errorf("rate limiting off but headers sent: %v", r.header)
	}
}

func TestCorrelationIDOnSocketUpgrade(t *testing.T) {
	s, _ := newSim(t, Config{})
	c := newChannel(t, s, getToken(t, s))
	ws, res, err := dial(t, c.ConnectURI)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if id := res.Header.Get(correlationHeader); len(id) != 36 {
		t.Errorf("101 response: %s %q", correlationHeader, id)
	}
	if _, res, err := dial(t, c.ConnectURI[:len(c.ConnectURI)-3]+"xyz"); err == nil || res.Header.Get(correlationHeader) == "" {
		t.Errorf("refused upgrade lacks the correlation id: %v %v", err, res)
	}
}
