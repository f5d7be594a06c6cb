package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// TestEndToEnd drives one plugin process against the simulator through every gRPC
// service, then checks that neither the secret nor any issued token appeared in any
// answer or in the plugin's output.
func TestEndToEnd(t *testing.T) {
	env := newSimEnv(t)
	p := startPlugin(t)
	tr := &transcript{}
	good := env.settings("sim", simSecret)
	queue := env.sim.Population().Queues[0].ID
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()

	t.Run("health ok", func(t *testing.T) {
		res := p.checkHealth(t, good)
		tr.add(res)
		if res.Status != backend.HealthStatusOk || !strings.Contains(res.Message, env.url) {
			t.Fatalf("%v %q", res.Status, res.Message)
		}
	})
	t.Run("health wrong secret", func(t *testing.T) {
		res := p.checkHealth(t, env.settings("wrong", "not-the-secret"))
		tr.add(res)
		if res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "Authentication failed") {
			t.Fatalf("%v %q", res.Status, res.Message)
		}
	})
	t.Run("health unreachable", func(t *testing.T) {
		bad := env.settings("down", simSecret)
		bad.json["baseUrl"] = "http://127.0.0.1:1"
		res := p.checkHealth(t, bad)
		tr.add(res)
		if res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "base URL http://127.0.0.1:1") {
			t.Fatalf("%v %q", res.Status, res.Message)
		}
	})
	q := fmt.Sprintf(`{"topic":"v2.analytics.queues.{id}.observations","ids":[%q],"fields":["oWaiting"]}`, queue)
	t.Run("current value before any event", func(t *testing.T) {
		// No notification was ever published for the queue: the first alert query waits
		// for the refill and answers the queue's current value from REST (issue #20).
		latest := strings.Replace(q, `"fields"`, `"format":"latest","fields"`, 1)
		frames := p.query(ctx, t, tr, good, latest, true)
		if n := numericValues(frames); n != 1 {
			t.Fatalf("first alert query: %d numeric values, want the refilled current value", n)
		}
		refilled := false
		for _, f := range frames {
			if f.Meta != nil {
				for _, n := range f.Meta.Notices {
					refilled = refilled || strings.Contains(n.Text, "current value read from Genesys Cloud over REST")
				}
			}
		}
		if !refilled {
			t.Errorf("the refilled value does not say so")
		}
	})
	var channel string
	t.Run("dashboard query names a channel", func(t *testing.T) {
		frames := p.query(ctx, t, tr, good, q, false)
		if len(frames) == 0 || frames[0].Meta == nil || !strings.HasPrefix(frames[0].Meta.Channel, "ds/sim/q/") {
			t.Fatalf("frames %v", frames)
		}
		channel = frames[0].Meta.Channel
	})
	t.Run("stream", func(t *testing.T) {
		path := strings.TrimPrefix(channel, "ds/sim/")
		sub, err := p.stream.SubscribeStream(ctx, &pluginv2.SubscribeStreamRequest{PluginContext: good.pluginContext(), Path: path})
		tr.add(sub)
		if err != nil || sub.Status != pluginv2.SubscribeStreamResponse_OK {
			t.Fatalf("subscribe: %v %v", sub, err)
		}
		sctx, scancel := context.WithCancel(ctx)
		defer scancel()
		run, err := p.stream.RunStream(sctx, &pluginv2.RunStreamRequest{PluginContext: good.pluginContext(), Path: path})
		if err != nil {
			t.Fatal(err)
		}
		topic := "v2.analytics.queues." + queue + ".observations"
		// The query's lease already subscribed the topic upstream, but RunStream joins
		// the hub asynchronously: publish until the first packet arrives.
		stop := make(chan struct{})
		go func() {
			for {
				env.sim.Publish(topic, observation(queue, 3))
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
			}
		}()
		pkt, err := run.Recv()
		close(stop)
		if err != nil {
			t.Fatalf("first packet: %v", err)
		}
		tr.add(pkt)
		if !strings.Contains(string(pkt.Data), `"schema"`) || !slices.Contains(packetValues(t, pkt.Data, "oWaiting"), 3) {
			t.Fatalf("first packet should carry the schema and oWaiting 3: %s", pkt.Data)
		}
		env.sim.Publish(topic, observation(queue, 5))
		dataOnly := 0
		for {
			pkt, err = run.Recv()
			if err != nil {
				t.Fatalf("waiting for the value 5: %v", err)
			}
			tr.add(pkt)
			if !strings.Contains(string(pkt.Data), `"schema"`) {
				dataOnly++
			}
			if slices.Contains(packetValues(t, pkt.Data, "oWaiting"), 5) {
				break
			}
		}
		if dataOnly == 0 {
			t.Errorf("every packet resent the schema; want data-only packets while it holds")
		}
	})
	t.Run("history and alert", func(t *testing.T) {
		frames := p.query(ctx, t, tr, good, q, false)
		if n := numericValues(frames); n < 2 {
			t.Fatalf("history has %d numeric values, want the 2 published", n)
		}
		latest := strings.Replace(q, `"fields"`, `"format":"latest","fields"`, 1)
		frames = p.query(ctx, t, tr, good, latest, true)
		if n := numericValues(frames); n != 1 {
			t.Fatalf("alert query: %d numeric values, want 1", n)
		}
	})
	t.Run("resources", func(t *testing.T) {
		for _, path := range []string{"topics", "queues?pageSize=2", "status"} {
			status, body := p.resource(ctx, t, good, path)
			tr.add(string(body))
			if status != 200 || !json.Valid(body) {
				t.Fatalf("%s: %d %s", path, status, body)
			}
		}
		if _, body := p.resource(ctx, t, good, "topics"); !strings.Contains(string(body), "v2.analytics.queues.{id}.observations") {
			t.Errorf("topics lack queue observations: %.300s", body)
		}
	})
	t.Run("rejected topic notice", func(t *testing.T) {
		user := env.sim.Population().Agents[0].ID
		rq := fmt.Sprintf(`{"topic":"v2.users.{id}.activity","ids":[%q]}`, user)
		for { // the verdict arrives after the subscription is sent
			frames := p.query(ctx, t, tr, good, rq, false)
			if notices(frames, "presence:userActivity:view") {
				return
			}
			if ctx.Err() != nil {
				t.Fatal("no notice naming the missing permission")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	t.Run("gap notice", func(t *testing.T) {
		env.sim.DropAllSockets()
		for {
			frames := p.query(ctx, t, tr, good, q, false)
			if notices(frames, "events may be missing between") {
				return
			}
			if ctx.Err() != nil {
				t.Fatal("no gap notice after the sockets dropped")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	t.Run("no secret or token leaked", func(t *testing.T) {
		tokens := env.issued()
		if len(tokens) == 0 {
			t.Fatal("the simulator issued no token: the run did not reach upstream")
		}
		out, logs := tr.String(), p.logs.String()
		for i, s := range append([]string{simSecret}, tokens...) {
			if strings.Contains(out, s) {
				t.Errorf("secret/token #%d found in a plugin answer", i)
			}
			if strings.Contains(logs, s) {
				t.Errorf("secret/token #%d found in the plugin's output", i)
			}
		}
	})
}

// packetValues decodes a stream packet (full or data-only, against the last schema
// seen) and returns the values of the named field.
func packetValues(t *testing.T, raw []byte, field string) []float64 {
	t.Helper()
	var pkt struct {
		Schema *struct {
			Fields []struct{ Name string } `json:"fields"`
		} `json:"schema"`
		Data struct {
			Values [][]any `json:"values"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &pkt); err != nil {
		t.Fatalf("packet is not JSON: %v", err)
	}
	if pkt.Schema != nil {
		lastSchema = nil
		for _, f := range pkt.Schema.Fields {
			lastSchema = append(lastSchema, f.Name)
		}
	}
	var out []float64
	for i, name := range lastSchema {
		if name != field || i >= len(pkt.Data.Values) {
			continue
		}
		for _, v := range pkt.Data.Values[i] {
			if f, ok := v.(float64); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

// lastSchema is the field names of the last full packet (one stream per test run).
var lastSchema []string

func notices(frames data.Frames, text string) bool {
	for _, f := range frames {
		if f.Meta == nil {
			continue
		}
		for _, n := range f.Meta.Notices {
			if strings.Contains(n.Text, text) {
				return true
			}
		}
	}
	return false
}

func numericValues(frames data.Frames) int {
	n := 0
	for _, f := range frames {
		for _, fld := range f.Fields {
			if !fld.Type().Numeric() {
				continue
			}
			for i := 0; i < fld.Len(); i++ {
				if v, ok := fld.ConcreteAt(i); ok && v != nil {
					n++
				}
			}
		}
	}
	return n
}

func (p *pluginProc) query(ctx context.Context, t *testing.T, tr *transcript, s dsSettings, js string, alert bool) data.Frames {
	t.Helper()
	now := time.Now()
	req := &backend.QueryDataRequest{PluginContext: backend.PluginContext{}, Queries: []backend.DataQuery{{
		RefID: "A", JSON: json.RawMessage(js), TimeRange: backend.TimeRange{From: now.Add(-10 * time.Minute), To: now.Add(time.Minute)}}}}
	if alert {
		req.Headers = map[string]string{backend.FromAlertHeaderName: "true"}
	}
	preq := backend.ToProto().QueryDataRequest(req)
	preq.PluginContext = s.pluginContext()
	resp, err := p.data.QueryData(ctx, preq)
	if err != nil {
		t.Fatalf("QueryData: %v\n%s", err, p.logs)
	}
	tr.add(resp)
	out, err := backend.FromProto().QueryDataResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	r := out.Responses["A"]
	if r.Error != nil {
		t.Fatalf("query error: %v", r.Error)
	}
	return r.Frames
}

func (p *pluginProc) resource(ctx context.Context, t *testing.T, s dsSettings, path string) (int, []byte) {
	t.Helper()
	route, _, _ := strings.Cut(path, "?")
	stream, err := p.resources.CallResource(ctx, &pluginv2.CallResourceRequest{PluginContext: s.pluginContext(),
		Path: route, Method: "GET", Url: "/" + path})
	if err != nil {
		t.Fatal(err)
	}
	var status int
	var body []byte
	for {
		r, err := stream.Recv()
		if err != nil {
			break
		}
		if r.Code != 0 {
			status = int(r.Code)
		}
		body = append(body, r.Body...)
	}
	return status, body
}
