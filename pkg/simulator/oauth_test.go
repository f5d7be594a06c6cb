package simulator

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestToken(t *testing.T) {
	s, _ := newSim(t, Config{TokenLifetime: 300 * time.Second})
	tests := []struct {
		name, id, secret, form string
		status                 int
		errCode                string
	}{
		{"good", "sim-client", "sim-secret", "grant_type=client_credentials", 200, ""},
		{"wrong secret", "sim-client", "nope", "grant_type=client_credentials", 401, "invalid_client"},
		{"unknown client", "other", "sim-secret", "grant_type=client_credentials", 401, "invalid_client"},
		{"no grant", "sim-client", "sim-secret", "", 400, "invalid_request"},
		{"password grant", "sim-client", "sim-secret", "grant_type=password", 400, "unsupported_grant_type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tokenReq(t, s, tc.id, tc.secret, tc.form)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d (%s)", r.status, tc.status, r.body)
			}
			m := r.json(t)
			if tc.status == 200 {
				sameKeys(t, "token response", m, "access_token", "token_type", "expires_in")
				if m["token_type"] != "bearer" || m["expires_in"] != float64(300) {
					t.Errorf("token response %v", m)
				}
				return
			}
			sameKeys(t, "oauth error", m, "error", "description", "error_description")
			if m["error"] != tc.errCode {
				t.Errorf("error %v, want %s", m["error"], tc.errCode)
			}
			if strings.Contains(string(r.body), "sim-secret") {
				t.Error("error body leaks the secret")
			}
		})
	}
	if s.Count("token") != 1 || s.Count("token_denied") != 4 {
		t.Errorf("records: token %d, denied %d", s.Count("token"), s.Count("token_denied"))
	}
}

func TestJWTTokenCarriesExp(t *testing.T) {
	s, _ := newSim(t, Config{JWTTokens: true, TokenLifetime: 10 * time.Minute})
	tok := getToken(t, s)
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct{ Exp, Iat int64 }
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	if claims.Exp != testStart.Add(10*time.Minute).Unix() || claims.Iat != testStart.Unix() {
		t.Errorf("claims %+v", claims)
	}
}

func TestTokenExpiresOnClockAndOnDemand(t *testing.T) {
	s, fc := newSim(t, Config{TokenLifetime: time.Minute})
	tok := getToken(t, s)
	if r := call(t, s, "GET", "/api/v2/tokens/me", tok, ""); r.status != 200 {
		t.Fatalf("tokens/me %d", r.status)
	}
	fc.Advance(time.Minute)
	r := call(t, s, "GET", "/api/v2/notifications/availabletopics", tok, "")
	if r.status != 401 {
		t.Fatalf("expired token: %d", r.status)
	}
	m := r.json(t)
	sameKeys(t, "error body", m, "message", "code", "status", "contextId", "details", "errors")
	if m["status"] != float64(401) || m["code"] != "bad.credentials" {
		t.Errorf("error body %v", m)
	}
	if strings.Contains(string(r.body), tok) {
		t.Error("401 body leaks the token")
	}

	tok2 := getToken(t, s)
	s.ExpireTokens()
	if r := call(t, s, "POST", "/api/v2/notifications/channels", tok2, ""); r.status != 401 {
		t.Fatalf("ExpireTokens: %d", r.status)
	}
	if r := call(t, s, "GET", "/api/v2/users", "", ""); r.status != 401 || r.json(t)["code"] != "authentication.required" {
		t.Fatalf("no token: %d %s", r.status, r.body)
	}
	for _, rec := range s.Records() {
		if strings.Contains(rec.Token+rec.Detail, tok) || strings.Contains(rec.Token+rec.Detail, tok2) {
			t.Fatalf("record leaks a token: %+v", rec)
		}
	}
}

func TestFormEncodedBasicCredentials(t *testing.T) {
	s, _ := newSim(t, Config{ClientSecret: "a+b/c=d e"})
	for _, sent := range []string{"a+b/c=d e", url.QueryEscape("a+b/c=d e")} {
		if r := tokenReq(t, s, "sim-client", sent, "grant_type=client_credentials"); r.status != 200 {
			t.Errorf("secret sent as %q: %d", sent, r.status)
		}
	}
}

func TestSetCredentials(t *testing.T) {
	s, _ := newSim(t, Config{ClientSecret: "old"})
	s.SetCredentials("sim-client", "new")
	if r := tokenReq(t, s, "sim-client", "old", "grant_type=client_credentials"); r.status != 401 {
		t.Fatalf("old secret: %d", r.status)
	}
	if r := tokenReq(t, s, "sim-client", "new", "grant_type=client_credentials"); r.status != 200 {
		t.Fatalf("new secret: %d", r.status)
	}
}
