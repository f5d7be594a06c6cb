package simulator

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// TestTokenCredentialsInBody: RFC 6749 §2.3.1 lets a client send client_id/client_secret in
// the form body instead of the Basic header; golang.org/x/oauth2 does so with
// AuthStyleInParams and falls back to it when auto-detecting. Both given and disagreeing is
// 400 invalid_request; a wrong secret in the body is the usual invalid_client.
func TestTokenCredentialsInBody(t *testing.T) {
	s, _ := newSim(t, Config{})
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInParams, oauth2.AuthStyleAutoDetect, oauth2.AuthStyleInHeader} {
		cc := clientcredentials.Config{ClientID: "sim-client", ClientSecret: "sim-secret", TokenURL: s.URL() + "/oauth/token", AuthStyle: style}
		tok, err := cc.Token(context.Background())
		if err != nil || tok.AccessToken == "" {
			t.Fatalf("auth style %d: %v", style, err)
		}
		if r := call(t, s, "GET", "/api/v2/tokens/me", tok.AccessToken, ""); r.status != 200 {
			t.Errorf("auth style %d: token refused: %d", style, r.status)
		}
	}
	post := func(basicID, basicSecret, form string) resp {
		t.Helper()
		req, _ := http.NewRequest("POST", s.URL()+"/oauth/token", strings.NewReader(form))
		if basicID != "" {
			req.SetBasicAuth(basicID, basicSecret)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return resp{res.StatusCode, res.Header, b}
	}
	tests := []struct {
		name, id, secret, form string
		status                 int
		errCode                string
	}{
		{"body only", "", "", "grant_type=client_credentials&client_id=sim-client&client_secret=sim-secret", 200, ""},
		{"both agreeing", "sim-client", "sim-secret", "grant_type=client_credentials&client_id=sim-client&client_secret=sim-secret", 200, ""},
		{"body id with header", "sim-client", "sim-secret", "grant_type=client_credentials&client_id=sim-client", 200, ""},
		{"both, other id", "sim-client", "sim-secret", "grant_type=client_credentials&client_id=other&client_secret=sim-secret", 400, "invalid_request"},
		{"both, other secret", "sim-client", "sim-secret", "grant_type=client_credentials&client_id=sim-client&client_secret=x", 400, "invalid_request"},
		{"body, wrong secret", "", "", "grant_type=client_credentials&client_id=sim-client&client_secret=nope", 401, "invalid_client"},
		{"nothing", "", "", "grant_type=client_credentials", 401, "invalid_client"},
	}
	for _, tc := range tests {
		r := post(tc.id, tc.secret, tc.form)
		if r.status != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", tc.name, r.status, tc.status, r.body)
			continue
		}
		m := r.json(t)
		if tc.status == 200 {
			sameKeys(t, tc.name, m, "access_token", "token_type", "expires_in")
			continue
		}
		sameKeys(t, tc.name+" error", m, "error", "description", "error_description")
		if m["error"] != tc.errCode {
			t.Errorf("%s: error %v, want %s", tc.name, m["error"], tc.errCode)
		}
	}
}
