package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/jonboulle/clockwork"
)

var epoch = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

const secret = "s3cr3t-value"

func jwtWithExp(t *testing.T, exp time.Time) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"exp": exp.Unix()}).SignedString([]byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tokenServer answers /oauth/token with the next of tokens (or an OAuth error).
type tokenServer struct {
	calls  atomic.Int64
	status int
	token  func(n int64) (string, int) // value, expires_in
	gate   chan struct{}               // when set, each request waits for it
}

func (ts *tokenServer) start(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := ts.calls.Add(1)
		if ts.gate != nil {
			<-ts.gate
		}
		id, sec, ok := r.BasicAuth()
		if ts.status != 0 || !ok || id != "client" || sec != secret {
			w.Header().Set("Content-Type", "application/json")
			code := ts.status
			if code == 0 {
				code = 401
			}
			w.WriteHeader(code)
			fmt.Fprint(w, `{"error":"invalid_client","description":"authentication failed"}`)
			return
		}
		v, exp := ts.token(n)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"bearer","expires_in":%d}`, v, exp)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newCC(t *testing.T, url string, clock clockwork.Clock) *Source {
	t.Helper()
	s, err := New(Config{ClientID: "client", ClientSecret: secret, LoginURL: url, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestExpiryFromExpiresInAndRefreshWithinMargin(t *testing.T) {
	clock := clockwork.NewFakeClockAt(epoch)
	ts := &tokenServer{token: func(n int64) (string, int) { return fmt.Sprintf("opaque-%d", n), 600 }}
	s := newCC(t, ts.start(t).URL, clock)
	tok, err := s.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := epoch.Add(600 * time.Second); !tok.Expiry.Equal(want) {
		t.Fatalf("expiry = %s, want %s", tok.Expiry, want)
	}
	clock.Advance(500 * time.Second) // 100 s left: still outside the 60 s margin
	if again, _ := s.Token(context.Background()); again.Value != tok.Value {
		t.Fatal("refreshed a token that was still valid beyond the margin")
	}
	clock.Advance(45 * time.Second) // 55 s left: within the margin
	next, err := s.Token(context.Background())
	if err != nil || next.Value == tok.Value || ts.calls.Load() != 2 {
		t.Fatalf("want a refreshed token within the margin, got %v err %v after %d calls", next, err, ts.calls.Load())
	}
}

func TestJWTExpWinsOverExpiresIn(t *testing.T) {
	clock := clockwork.NewFakeClockAt(epoch)
	var n atomic.Int64
	ts := &tokenServer{token: func(int64) (string, int) {
		// The first JWT claims to live 86399 s but its exp is already past.
		if n.Add(1) == 1 {
			return jwtWithExp(t, epoch.Add(-time.Second)), 86399
		}
		return jwtWithExp(t, epoch.Add(time.Hour)), 86399
	}}
	s := newCC(t, ts.start(t).URL, clock)
	first, err := s.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !first.Expiry.Equal(epoch.Add(-time.Second).Truncate(time.Second)) {
		t.Fatalf("expiry = %s, want the JWT exp", first.Expiry)
	}
	second, _ := s.Token(context.Background())
	if second.Value == first.Value || !second.Expiry.Equal(epoch.Add(time.Hour)) {
		t.Fatalf("expired JWT was not refreshed: %v", second)
	}
}

func TestSingleFlight(t *testing.T) {
	ts := &tokenServer{gate: make(chan struct{}), token: func(n int64) (string, int) { return fmt.Sprint("t", n), 3600 }}
	s := newCC(t, ts.start(t).URL, clockwork.NewFakeClockAt(epoch))
	var wg sync.WaitGroup
	values := make([]string, 8)
	for i := range values {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := s.Token(context.Background())
			if err != nil {
				t.Error(err)
			}
			values[i] = tok.Value
		}()
	}
	time.Sleep(20 * time.Millisecond) // let them all queue behind the one fetch
	close(ts.gate)
	wg.Wait()
	if ts.calls.Load() != 1 {
		t.Fatalf("%d fetches for concurrent callers, want 1", ts.calls.Load())
	}
	for _, v := range values {
		if v != "t1" {
			t.Fatalf("values = %v", values)
		}
	}
}

func TestInvalidateForcesRefetch(t *testing.T) {
	ts := &tokenServer{token: func(n int64) (string, int) { return fmt.Sprint("t", n), 3600 }}
	s := newCC(t, ts.start(t).URL, clockwork.NewFakeClockAt(epoch))
	a, _ := s.Token(context.Background())
	s.Invalidate("some-older-token") // no effect
	if b, _ := s.Token(context.Background()); b.Value != a.Value {
		t.Fatal("invalidating another token dropped the current one")
	}
	s.Invalidate(a.Value)
	if c, _ := s.Token(context.Background()); c.Value == a.Value {
		t.Fatal("invalidated token handed out again")
	}
}

func TestRejectedCredentialsAreErrAuthWithoutSecret(t *testing.T) {
	for _, status := range []int{400, 401} {
		ts := &tokenServer{status: status}
		s := newCC(t, ts.start(t).URL, clockwork.NewFakeClockAt(epoch))
		_, err := s.Token(context.Background())
		var ae *AuthError
		if !errors.Is(err, ErrAuth) || !errors.As(err, &ae) || ae.Code != "invalid_client" {
			t.Fatalf("status %d: err = %v", status, err)
		}
		want := fmt.Sprintf("authentication failed: the OAuth client id or secret was rejected (HTTP %d invalid_client)", status)
		if err.Error() != want {
			t.Errorf("error = %q, want %q", err, want)
		}
		if strings.Contains(err.Error(), secret) {
			t.Error("secret in error")
		}
	}
}

func TestServerErrorIsNotErrAuth(t *testing.T) {
	ts := &tokenServer{status: 502}
	s := newCC(t, ts.start(t).URL, clockwork.NewFakeClockAt(epoch))
	_, err := s.Token(context.Background())
	if err == nil || errors.Is(err, ErrAuth) {
		t.Fatalf("502 must be a transient error, got %v", err)
	}
}

func TestStaticToken(t *testing.T) {
	clock := clockwork.NewFakeClockAt(epoch)
	tests := []struct {
		name, token, wantErr string
	}{
		{"opaque", "opaque-static", ""},
		{"jwt valid", jwtWithExp(t, epoch.Add(time.Hour)), ""},
		{"jwt expired", jwtWithExp(t, epoch.Add(-time.Hour)), "static token expired at 2026-11-28T23:00:00Z; enter a new token in the data source settings"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(Config{Mode: ModeStaticToken, StaticToken: tc.token, Clock: clock})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := s.Token(context.Background())
			if tc.wantErr == "" {
				if err != nil || tok.Value != tc.token {
					t.Fatalf("token %v err %v", tok, err)
				}
				s.Invalidate(tok.Value)
				if _, err := s.Token(context.Background()); !errors.Is(err, ErrAuth) {
					t.Fatalf("rejected static token must stay refused, got %v", err)
				}
				return
			}
			if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), tc.token) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{ClientID: "a"}, "client id and a client secret"},
		{Config{ClientID: "a", ClientSecret: "b"}, "region or a login URL"},
		{Config{ClientID: "a", ClientSecret: "b", LoginURL: "login.example"}, "not an absolute"},
		{Config{Mode: ModeStaticToken}, "needs a token"},
		{Config{Mode: "magic"}, "unknown auth mode"},
	}
	for _, tc := range tests {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want %q", tc.cfg.Mode, err, tc.want)
		}
	}
	s, err := New(Config{ClientID: "a", ClientSecret: "b", Region: "mypurecloud.ie"})
	if err != nil || s.cfg.LoginURL != "https://login.mypurecloud.ie" {
		t.Fatalf("region login URL = %q, %v", s.cfg.LoginURL, err)
	}
}

func TestTokenStringRedacts(t *testing.T) {
	tok := Token{Value: "abc.def.ghi", Expiry: epoch}
	if s := fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok); strings.Contains(s, "abc.def") {
		t.Fatalf("token printed: %s", s)
	}
}

func TestLoginRateLimitCarriesRetryAfter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "42")
		w.WriteHeader(429)
	}))
	t.Cleanup(srv.Close)
	s := newCC(t, srv.URL, clockwork.NewFakeClockAt(epoch))
	_, err := s.Token(context.Background())
	if errors.Is(err, ErrAuth) || RetryAfter(err) != 42*time.Second {
		t.Fatalf("err = %v, RetryAfter %s", err, RetryAfter(err))
	}
}

// A margin at or above the token's lifetime must not make a fresh token stale: the
// margin that applies is at most half the lifetime.
func TestMarginCappedAtHalfTheLifetime(t *testing.T) {
	tests := []struct {
		lifetime, margin, applied time.Duration
	}{
		{15 * time.Second, 60 * time.Second, 7500 * time.Millisecond},
		{90 * time.Second, 3600 * time.Second, 45 * time.Second},
		{300 * time.Second, 60 * time.Second, 60 * time.Second},
		{86400 * time.Second, 3600 * time.Second, 3600 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.lifetime.String()+"/"+tc.margin.String(), func(t *testing.T) {
			clock := clockwork.NewFakeClockAt(epoch)
			ts := &tokenServer{token: func(n int64) (string, int) { return fmt.Sprint("t", n), int(tc.lifetime / time.Second) }}
			s, err := New(Config{ClientID: "client", ClientSecret: secret, LoginURL: ts.start(t).URL, Clock: clock, Margin: tc.margin})
			if err != nil {
				t.Fatal(err)
			}
			first, err := s.Token(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := EffectiveMargin(first, s.Margin()); got != tc.applied {
				t.Fatalf("effective margin = %s, want %s", got, tc.applied)
			}
			if !first.Fresh(clock.Now(), s.Margin()) {
				t.Fatal("a token fetched this instant is not fresh")
			}
			clock.Advance(tc.lifetime - tc.applied - time.Millisecond)
			if again, _ := s.Token(context.Background()); again.Value != first.Value {
				t.Fatalf("refreshed %s before the applied margin", tc.lifetime-tc.applied)
			}
			clock.Advance(2 * time.Millisecond)
			if next, _ := s.Token(context.Background()); next.Value == first.Value {
				t.Fatal("not refreshed inside the applied margin")
			}
		})
	}
}

func TestStaticTokenLifetimeUnknown(t *testing.T) {
	s, err := New(Config{Mode: ModeStaticToken, StaticToken: jwtWithExp(t, epoch.Add(time.Minute)), Clock: clockwork.NewFakeClockAt(epoch)})
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := s.Token(context.Background())
	if tok.Lifetime() != 0 || EffectiveMargin(tok, time.Hour) != time.Hour {
		t.Fatalf("a static token's issue time is unknown: lifetime %s", tok.Lifetime())
	}
}

// TestLifetimeIsTheIssuedOne: a JWT's exp is in whole seconds, so a 15 s token fetched
// 0.4 s into its first second has 14.6 s left; messages must say "15 s", the lifetime
// the issuer gave it (exp − iat), and expires_in when the token says nothing.
func TestLifetimeIsTheIssuedOne(t *testing.T) {
	clock := clockwork.NewFakeClockAt(epoch.Add(400 * time.Millisecond))
	iat := epoch
	withIat, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iat": iat.Unix(), "exp": iat.Add(15 * time.Second).Unix()}).SignedString([]byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		value string
		in    int
	}{{"jwt with iat", withIat, 0}, {"jwt without iat, expires_in", jwtWithExp(t, iat.Add(15*time.Second)), 15}} {
		ts := &tokenServer{token: func(int64) (string, int) { return c.value, c.in }}
		tok, err := newCC(t, ts.start(t).URL, clock).Token(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got := tok.Lifetime(); got != 15*time.Second {
			t.Errorf("%s: lifetime %s, want the issued 15s", c.name, got)
		}
	}
}
