package simulator

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jonboulle/clockwork"
)

// testClock is where every test's fake clock starts.
var testStart = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

func newSim(t *testing.T, cfg Config) (*Server, *clockwork.FakeClock) {
	t.Helper()
	fc := clockwork.NewFakeClockAt(testStart)
	if cfg.Clock == nil {
		cfg.Clock = fc
	}
	s := NewTestServer(t, cfg)
	// New returns with its heartbeat ticker in place: exactly one waiter on the clock
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if err := fc.BlockUntilContext(ctx, 1); err != nil {
		t.Fatalf("heartbeat ticker not in place when New returned: %v", err)
	}
	return s, fc
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	return m
}

func call(t *testing.T, s *Server, method, path, tok, body string) resp {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	c := &http.Client{Timeout: 5 * time.Second}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}

func tokenReq(t *testing.T, s *Server, id, secret, form string) resp {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL()+"/oauth/token", strings.NewReader(form))
	req.SetBasicAuth(id, secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}

func getToken(t *testing.T, s *Server) string {
	t.Helper()
	r := tokenReq(t, s, s.cfg.ClientID, s.cfg.ClientSecret, "grant_type=client_credentials")
	if r.status != 200 {
		t.Fatalf("token: %d %s", r.status, r.body)
	}
	return r.json(t)["access_token"].(string)
}

type chanResp struct{ ConnectURI, ID, Expires string }

func newChannel(t *testing.T, s *Server, tok string) chanResp {
	t.Helper()
	r := call(t, s, "POST", "/api/v2/notifications/channels", tok, "")
	if r.status != 200 {
		t.Fatalf("create channel: %d %s", r.status, r.body)
	}
	var c chanResp
	if err := json.Unmarshal(r.body, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func subscribe(t *testing.T, s *Server, tok, channelID string, topics ...string) resp {
	t.Helper()
	var refs []map[string]string
	for _, tp := range topics {
		refs = append(refs, map[string]string{"id": tp})
	}
	b, _ := json.Marshal(refs)
	return call(t, s, "PUT", "/api/v2/notifications/channels/"+channelID+"/subscriptions", tok, string(b))
}

func dial(t *testing.T, uri string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	c, res, err := d.Dial(uri, nil)
	if c != nil {
		t.Cleanup(func() { c.Close() })
	}
	return c, res, err
}

func mustDial(t *testing.T, uri string) *websocket.Conn {
	t.Helper()
	c, _, err := dial(t, uri)
	if err != nil {
		t.Fatalf("dial %s: %v", uri, err)
	}
	return c
}

// readMsg reads one message (waiting up to 2 s of real time) as a JSON object.
func readMsg(t *testing.T, c *websocket.Conn) map[string]any {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, b, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("message %q: %v", b, err)
	}
	return m
}

// readErr reads until the socket fails and returns that error.
func readErr(t *testing.T, c *websocket.Conn) error {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			return err
		}
	}
}

func isAbnormal(err error) bool {
	return websocket.IsCloseError(err, websocket.CloseAbnormalClosure)
}

// waitFor polls cond for up to 2 s (goroutines reacting, not model time).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func sameKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	if len(m) != len(want) {
		t.Errorf("%s has fields %v, want exactly %v", what, keys(m), want)
		return
	}
	for _, k := range want {
		if _, ok := m[k]; !ok {
			t.Errorf("%s lacks %q (has %v)", what, k, keys(m))
		}
	}
}

var dialer = websocket.Dialer{HandshakeTimeout: 5 * time.Second}

func getTokenB(b *testing.B, s *Server) string {
	tok := s.issueToken(s.cfg.ClientID)
	return tok.value
}

// newChannelB creates a channel over REST and returns its connectUri.
func newChannelB(b *testing.B, s *Server, tok string) string {
	req, _ := http.NewRequest("POST", s.URL()+"/api/v2/notifications/channels", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var c chanResp
	_ = json.NewDecoder(res.Body).Decode(&c)
	return c.ConnectURI
}

func idOf(connectURI string) string { return connectURI[strings.LastIndex(connectURI, "/")+1:] }
