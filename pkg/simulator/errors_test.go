package simulator

import (
	"strings"
	"testing"
)

// A known path with the wrong method is 405 method.not.allowed with Allow; an unknown
// path stays 404 not.found. Both carry the full Genesys error body.
func TestWrongMethodIs405(t *testing.T) {
	s, _ := newSim(t, Config{})
	tok := getToken(t, s)
	tests := []struct {
		method, path string
		status       int
		code, allow  string
	}{
		{"DELETE", "/api/v2/routing/queues", 405, "method.not.allowed", "GET"},
		{"POST", "/api/v2/users", 405, "method.not.allowed", "GET"},
		{"PATCH", "/api/v2/notifications/channels/x/subscriptions", 405, "method.not.allowed", "POST"},
		{"GET", "/oauth/token", 405, "method.not.allowed", "POST"},
		{"GET", "/api/v2/nothing/here", 404, "not.found", ""},
	}
	for _, tc := range tests {
		r := call(t, s, tc.method, tc.path, tok, "")
		if r.status != tc.status {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, r.status, r.body, tc.status)
			continue
		}
		m := r.json(t)
		sameKeys(t, "error body", m, "message", "code", "status", "contextId", "details", "errors")
		if m["code"] != tc.code || m["status"] != float64(tc.status) {
			t.Errorf("%s %s: body %v, want code %s", tc.method, tc.path, m, tc.code)
		}
		if allow := r.header.Get("Allow"); !strings.Contains(allow, tc.allow) || (tc.allow == "" && allow != "") {
			t.Errorf("%s %s: Allow %q, want it to name %q", tc.method, tc.path, allow, tc.allow)
		}
	}
}
