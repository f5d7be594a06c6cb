package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// TestNamesInStreamAndAlert checks that the real plugin learns queue and user names
// from the simulator's listings and puts them on live packets and on alert answers,
// without leaking the secret or a token anywhere.
func TestNamesInStreamAndAlert(t *testing.T) {
	env := newSimEnv(t)
	p := startPlugin(t)
	tr := &transcript{}
	s := env.settings("names", simSecret)
	pop := env.sim.Population()
	queue, agent := pop.Queues[0], pop.Agents[0]
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	q := fmt.Sprintf(`{"topic":"v2.analytics.queues.{id}.observations","ids":[%q],"fields":["oWaiting"]}`, queue.ID)

	t.Run("stream packet carries the queue name", func(t *testing.T) {
		frames := p.query(ctx, t, tr, s, q, false)
		if len(frames) == 0 || frames[0].Meta == nil || frames[0].Meta.Channel == "" {
			t.Fatalf("no channel in %v", frames)
		}
		path := strings.TrimPrefix(frames[0].Meta.Channel, "ds/names/")
		sub, err := p.stream.SubscribeStream(ctx, &pluginv2.SubscribeStreamRequest{PluginContext: s.pluginContext(), Path: path})
		tr.add(sub)
		if err != nil || sub.Status != pluginv2.SubscribeStreamResponse_OK {
			t.Fatalf("subscribe: %v %v", sub, err)
		}
		sctx, scancel := context.WithCancel(ctx)
		defer scancel()
		run, err := p.stream.RunStream(sctx, &pluginv2.RunStreamRequest{PluginContext: s.pluginContext(), Path: path})
		if err != nil {
			t.Fatal(err)
		}
		topic := "v2.analytics.queues." + queue.ID + ".observations"
		// Publish until a packet's schema names the queue: the first packets may come
		// before the first pass of names (labelled with the id), later ones must not.
		stop := publishEvery(topic, func() any { return observation(queue.ID, 2) }, env)
		defer stop()
		for {
			pkt, err := run.Recv()
			if err != nil {
				t.Fatalf("no packet named the queue %q: %v", queue.Name, err)
			}
			tr.add(pkt)
			labels := packetLabels(t, pkt.Data, "oWaiting")
			if labels == nil {
				continue // data-only
			}
			if labels["queueId"] != queue.ID {
				t.Fatalf("oWaiting labels %v lack queueId %s", labels, queue.ID)
			}
			if labels["queueName"] == queue.Name {
				return
			}
			if labels["queueName"] != queue.ID {
				t.Fatalf("queueName %q is neither the name %q nor the id fallback", labels["queueName"], queue.Name)
			}
		}
	})
	t.Run("alert answer carries the queue name", func(t *testing.T) {
		latest := strings.Replace(q, `"fields"`, `"format":"latest","fields"`, 1)
		frames := p.query(ctx, t, tr, s, latest, true)
		if got := fieldLabels(frames, "oWaiting"); got["queueName"] != queue.Name {
			t.Fatalf("alert answer labels %v, want queueName %q", got, queue.Name)
		}
	})
	t.Run("alert answer carries the user name", func(t *testing.T) {
		topic := "v2.users." + agent.ID + ".presence"
		uq := fmt.Sprintf(`{"topic":"v2.users.{id}.presence","ids":[%q],"format":"latest"}`, agent.ID)
		body := map[string]any{"id": agent.ID, "presenceDefinition": map[string]string{"id": "p1", "systemPresence": "Available"},
			"modifiedDate": time.Now().UTC().Format(time.RFC3339)}
		stop := publishEvery(topic, func() any { return body }, env)
		defer stop()
		for { // the alert query's lease subscribes the topic; events follow
			frames := p.query(ctx, t, tr, s, uq, true)
			if len(frames) > 0 && frames[0].Rows() > 0 {
				if got := fieldLabels(frames, ""); got["userName"] != agent.Name || got["userId"] != agent.ID {
					t.Fatalf("labels %v, want userName %q", got, agent.Name)
				}
				return
			}
			if ctx.Err() != nil {
				t.Fatal("no presence event reached the alert query")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	t.Run("no secret or token leaked", func(t *testing.T) {
		tokens := env.issued()
		if len(tokens) == 0 {
			t.Fatal("the simulator issued no token")
		}
		out, logs := tr.String(), p.logs.String()
		for i, secret := range append([]string{simSecret}, tokens...) {
			if strings.Contains(out, secret) || strings.Contains(logs, secret) {
				t.Errorf("secret/token #%d found in an answer or the plugin's output", i)
			}
		}
	})
}

// publishEvery publishes body to topic every 50 ms until the returned stop is called.
func publishEvery(topic string, body func() any, env *simEnv) (stop func()) {
	done, quit := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			env.sim.Publish(topic, body())
			select {
			case <-quit:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return func() {
		select {
		case <-quit:
		default:
			close(quit)
		}
		<-done
	}
}

// packetLabels returns the labels of the named field in a full packet, nil for a
// data-only packet.
func packetLabels(t *testing.T, raw []byte, field string) map[string]string {
	t.Helper()
	var pkt struct {
		Schema *struct {
			Fields []struct {
				Name   string            `json:"name"`
				Labels map[string]string `json:"labels"`
			} `json:"fields"`
		} `json:"schema"`
	}
	if err := json.Unmarshal(raw, &pkt); err != nil {
		t.Fatalf("packet is not JSON: %v", err)
	}
	if pkt.Schema == nil {
		return nil
	}
	for _, f := range pkt.Schema.Fields {
		if f.Name == field {
			return f.Labels
		}
	}
	t.Fatalf("packet schema has no field %s", field)
	return nil
}

// fieldLabels returns the labels of the first field named field (any labelled field
// when field is "").
func fieldLabels(frames data.Frames, field string) data.Labels {
	for _, f := range frames {
		for _, fl := range f.Fields {
			if (field == "" || fl.Name == field) && fl.Labels != nil {
				return fl.Labels
			}
		}
	}
	return nil
}
