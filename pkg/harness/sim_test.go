package harness

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// simEnv is a simulator served behind a recorder that keeps every access token it
// issues, so the leak test can look for the tokens themselves (the simulator's own
// records hold only hashes).
type simEnv struct {
	sim    *simulator.Server
	url    string
	mu     sync.Mutex
	tokens []string
}

const (
	simClientID = "harness-client"
	simSecret   = "harness-secret-5f0c9d2e7a41"
)

func newSimEnv(t *testing.T) *simEnv {
	t.Helper()
	e := &simEnv{sim: simulator.New(simulator.Config{ClientID: simClientID, ClientSecret: simSecret, Queues: 3, Agents: 4, Seed: 7,
		Forbidden: map[string][]string{"v2.users.{id}.activity": {"presence:userActivity:view"}}})}
	inner := e.sim.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth/token" {
			inner.ServeHTTP(w, r) // the socket upgrade needs the original writer (Hijacker)
			return
		}
		rec := httptest.NewRecorder()
		inner.ServeHTTP(rec, r)
		var body struct {
			AccessToken string `json:"access_token"`
		}
		if json.Unmarshal(rec.Body.Bytes(), &body) == nil && body.AccessToken != "" {
			e.mu.Lock()
			e.tokens = append(e.tokens, body.AccessToken)
			e.mu.Unlock()
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	e.url = srv.URL
	t.Cleanup(func() { srv.Close(); e.sim.Close() })
	return e
}

func (e *simEnv) issued() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.tokens...)
}

func (e *simEnv) settings(uid, secret string) dsSettings {
	return dsSettings{uid: uid, json: map[string]any{"region": "custom", "baseUrl": e.url, "clientId": simClientID,
		"backoffBaseSeconds": 1, "backoffCapSeconds": 2},
		secure: map[string]string{"clientSecret": secret}}
}

// observation is a queue observation body as the service sends it.
func observation(queueID string, waiting int) json.RawMessage {
	b, _ := json.Marshal(map[string]any{
		"group": map[string]string{"queueId": queueID, "mediaType": "voice"},
		"data": []any{map[string]any{"interval": "2026-01-01T00:00:00.000Z/2026-01-01T00:15:00.000Z",
			"metrics": []any{map[string]any{"metric": "oWaiting", "stats": map[string]int{"count": waiting}}}}},
	})
	return b
}

// transcript collects every byte the plugin answered, for the leak test.
type transcript struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (tr *transcript) add(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	tr.mu.Lock()
	tr.buf.Write(b)
	tr.buf.WriteByte('\n')
	tr.mu.Unlock()
}

func (tr *transcript) String() string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.buf.String()
}
