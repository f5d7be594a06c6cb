package simulator

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// controlRoutes serves /_sim/...: fault injection and inspection for the standalone simulator.
// Unauthenticated: bind the simulator to loopback.
func (s *Server) controlRoutes(mux *http.ServeMux) {
	ok := func(w http.ResponseWriter) { writeJSON(w, 200, map[string]any{"ok": true}) }
	channelArg := func(r *http.Request) []string {
		if id := r.URL.Query().Get("channel"); id != "" {
			return []string{id}
		}
		var ids []string
		for _, c := range s.Channels() {
			ids = append(ids, c.ID)
		}
		return ids
	}
	onArg := func(r *http.Request) bool {
		v, err := strconv.ParseBool(r.URL.Query().Get("on"))
		return err != nil || v
	}
	mux.HandleFunc("POST /_sim/faults/http", func(w http.ResponseWriter, r *http.Request) {
		var f struct {
			HTTPFault
			RetryAfterSeconds float64 `json:"retryAfterSeconds"`
			DurationSeconds   float64 `json:"durationSeconds"`
			DelaySeconds      float64 `json:"delaySeconds"`
		}
		err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&f)
		if err != nil || (f.Status != 0 || f.DelaySeconds <= 0) && (f.Status < 400 || f.Status > 599) {
			s.writeError(w, 400, "bad.request", `body like {"pathPrefix":"/api/v2/","method":"","status":502,"retryAfterSeconds":5,"count":0,"durationSeconds":30,"delaySeconds":0} (status 0 with delaySeconds only slows requests)`)
			return
		}
		f.RetryAfter = time.Duration(f.RetryAfterSeconds * float64(time.Second))
		f.Delay = time.Duration(f.DelaySeconds * float64(time.Second))
		if f.DurationSeconds > 0 {
			f.Until = s.clock.Now().Add(time.Duration(f.DurationSeconds * float64(time.Second)))
		}
		s.FailHTTP(f.HTTPFault)
		ok(w)
	})
	mux.HandleFunc("DELETE /_sim/faults/http", func(w http.ResponseWriter, r *http.Request) { s.ClearHTTPFaults(); ok(w) })
	mux.HandleFunc("POST /_sim/faults/drop", func(w http.ResponseWriter, r *http.Request) {
		var d struct {
			Upgrades      *int `json:"upgrades"`
			AfterMessages *int `json:"afterMessages"`
			All           bool `json:"all"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&d); err != nil {
			s.writeError(w, 400, "bad.request", `body like {"upgrades":3,"afterMessages":0,"all":true}`)
			return
		}
		if d.Upgrades != nil {
			s.DropUpgrades(*d.Upgrades)
		}
		if d.AfterMessages != nil {
			s.DropSocketsAfter(*d.AfterMessages)
		}
		if d.All {
			s.DropAllSockets()
		}
		ok(w)
	})
	mux.HandleFunc("POST /_sim/tokens/expire", func(w http.ResponseWriter, r *http.Request) { s.ExpireTokens(); ok(w) })
	mux.HandleFunc("POST /_sim/tokens/revoke", func(w http.ResponseWriter, r *http.Request) { s.RevokeTokens(); ok(w) })
	mux.HandleFunc("POST /_sim/socket-closing", func(w http.ResponseWriter, r *http.Request) {
		for _, id := range channelArg(r) {
			s.SendSocketClosing(id)
		}
		ok(w)
	})
	mux.HandleFunc("POST /_sim/no-longer-subscribed", func(w http.ResponseWriter, r *http.Request) {
		for _, id := range channelArg(r) {
			s.NoLongerSubscribed(id)
		}
		ok(w)
	})
	mux.HandleFunc("POST /_sim/channels/expire", func(w http.ResponseWriter, r *http.Request) {
		for _, id := range channelArg(r) {
			s.ExpireChannel(id)
		}
		ok(w)
	})
	mux.HandleFunc("POST /_sim/stall", func(w http.ResponseWriter, r *http.Request) {
		for _, id := range channelArg(r) {
			s.SetStall(id, onArg(r))
		}
		ok(w)
	})
	mux.HandleFunc("POST /_sim/heartbeats", func(w http.ResponseWriter, r *http.Request) { s.SetHeartbeats(onArg(r)); ok(w) })
	mux.HandleFunc("POST /_sim/pongs", func(w http.ResponseWriter, r *http.Request) { s.SetPongs(onArg(r)); ok(w) })
	mux.HandleFunc("POST /_sim/raw", func(w http.ResponseWriter, r *http.Request) {
		msg, _ := io.ReadAll(io.LimitReader(r.Body, 16<<20))
		for _, id := range channelArg(r) {
			s.SendRaw(id, msg)
		}
		ok(w)
	})
	mux.HandleFunc("POST /_sim/credentials", func(w http.ResponseWriter, r *http.Request) {
		var c struct{ ClientID, ClientSecret string }
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&c); err != nil || c.ClientID == "" || c.ClientSecret == "" {
			s.writeError(w, 400, "bad.request", `body like {"clientId":"...","clientSecret":"..."}`)
			return
		}
		s.SetCredentials(c.ClientID, c.ClientSecret)
		ok(w)
	})
	mux.HandleFunc("POST /_sim/publish", func(w http.ResponseWriter, r *http.Request) {
		var p struct {
			Topic string          `json:"topic"`
			Body  json.RawMessage `json:"body"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&p); err != nil || p.Topic == "" || len(p.Body) == 0 {
			s.writeError(w, 400, "bad.request", `body like {"topic":"v2.users.<id>.presence","body":{...}}`)
			return
		}
		writeJSON(w, 200, map[string]any{"sockets": s.Publish(p.Topic, p.Body)})
	})
	mux.HandleFunc("POST /_sim/generator", func(w http.ResponseWriter, r *http.Request) {
		var g struct {
			Rate              float64 `json:"rate"`
			MeanHandleSeconds float64 `json:"meanHandleSeconds"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&g); err != nil || g.Rate < 0 {
			s.writeError(w, 400, "bad.request", `body like {"rate":2,"meanHandleSeconds":120} (rate 0 stops the generator)`)
			return
		}
		if g.Rate == 0 {
			s.StopGenerator()
		} else {
			// runs until the next call, StopGenerator or Close
			s.StartGenerator(context.Background(), GeneratorConfig{Rate: g.Rate,
				MeanHandle: time.Duration(g.MeanHandleSeconds * float64(time.Second))})
		}
		ok(w)
	})
	mux.HandleFunc("GET /_sim/generator", func(w http.ResponseWriter, r *http.Request) {
		g := s.Generator() // so a test that stops it can put back what ran
		writeJSON(w, 200, map[string]float64{"rate": g.Rate, "meanHandleSeconds": g.MeanHandle.Seconds()})
	})
	mux.HandleFunc("POST /_sim/queues/{id}/waiting", func(w http.ResponseWriter, r *http.Request) {
		var b struct {
			Waiting *int `json:"waiting"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&b); err != nil || b.Waiting == nil {
			s.writeError(w, 400, "bad.request", `body like {"waiting":9}`)
			return
		}
		if !s.SetQueueWaiting(r.PathValue("id"), *b.Waiting) {
			s.writeError(w, 404, "not.found", "no such queue, or waiting outside 0..10000")
			return
		}
		ok(w)
	})
	mux.HandleFunc("POST /_sim/users/{id}/presence", func(w http.ResponseWriter, r *http.Request) {
		var b struct {
			Presence string `json:"presence"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&b); err != nil || b.Presence == "" {
			s.writeError(w, 400, "bad.request", `body like {"presence":"ON_QUEUE"}`)
			return
		}
		if !s.SetAgentPresence(r.PathValue("id"), b.Presence) {
			s.writeError(w, 404, "not.found", "no such user, or an unknown system presence")
			return
		}
		ok(w)
	})
	mux.HandleFunc("GET /_sim/records", func(w http.ResponseWriter, r *http.Request) {
		kind := r.URL.Query().Get("kind")
		out := []Record{}
		for _, rec := range s.Records() {
			if kind == "" || strings.EqualFold(rec.Kind, kind) {
				out = append(out, rec)
			}
		}
		writeJSON(w, 200, map[string]any{"records": out})
	})
	mux.HandleFunc("GET /_sim/channels", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"channels": s.Channels()})
	})
}

// SetQueueWaiting puts exactly n callers in queueID's waiting list (callers who never
// abandon), publishing what the service would; false for an unknown queue. With the
// generator stopped the queue then stays quiet: nothing is published until it changes.
func (s *Server) SetQueueWaiting(queueID string, n int) bool {
	evs, ok := s.model.SetWaiting(queueID, n, s.clock.Now())
	for _, ev := range evs {
		s.Publish(ev.Topic, ev.Body)
	}
	if ok {
		s.record(Record{Kind: "control_waiting", Detail: queueID + "=" + itoa(int64(n))})
	}
	return ok
}

// SetAgentPresence puts userID in a system presence (its routing status follows),
// publishing what the service would; false for an unknown user or presence.
func (s *Server) SetAgentPresence(userID, presence string) bool {
	evs, ok := s.model.SetPresence(userID, presence, s.clock.Now())
	for _, ev := range evs {
		s.Publish(ev.Topic, ev.Body)
	}
	if ok {
		s.record(Record{Kind: "control_presence", Detail: userID + "=" + presence})
	}
	return ok
}
