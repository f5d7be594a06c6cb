package simulator

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
)

// alertSink keeps the last alert notifications Grafana sent to the demo's contact point
// (a webhook to POST /_sim/alerts), so a person trying the demo sees where a firing rule
// goes: GET /_sim/alerts lists them, newest last. Bounded; nothing else reads them.
type alertSink struct {
	mu    sync.Mutex
	items []json.RawMessage
}

const maxAlerts = 100

func (a *alertSink) add(b json.RawMessage) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.items) >= maxAlerts {
		a.items = append(a.items[:0], a.items[len(a.items)-maxAlerts+1:]...)
	}
	a.items = append(a.items, b)
}

func (a *alertSink) list() []json.RawMessage {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]json.RawMessage{}, a.items...)
}

func (s *Server) alertRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /_sim/alerts", func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil || !json.Valid(b) {
			s.writeError(w, 400, "bad.request", "the body must be a JSON alert notification (Grafana's webhook contact point)")
			return
		}
		s.alerts.add(b)
		s.record(Record{Kind: "alert_received", Detail: itoa(int64(len(b))) + " bytes"})
		writeJSON(w, 200, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /_sim/alerts", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"alerts": s.alerts.list()})
	})
}
