// Package jsoncmp measures pkg/jsonscan, the project's JSON tokenizer, against
// well-kept libraries on the bodies the plugin reads (go test -bench . in this
// directory). It is its own module so that the main module does not depend on the
// libraries it compares; the figures are in BENCHMARKS.md.
package jsoncmp

import (
	"bytes"
	"encoding/json"
	"syscall"
	"testing"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/frames"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// corpus is realistic socket messages (simulator.SampleEvents) and their bodies, by family.
type corpus struct {
	envelopes [][]byte
	bodies    map[frames.Family][][]byte
}

var families = []frames.Family{frames.QueueObservations, frames.QueueConversations, frames.UserPresence,
	frames.UserRoutingStatus, frames.DetailEvents}

func load(tb testing.TB) corpus {
	sim := simulator.NewTestServer(tb, simulator.Config{})
	c := corpus{bodies: map[frames.Family][][]byte{}}
	for _, e := range sim.SampleEvents(2000) {
		c.envelopes = append(c.envelopes, e.Msg)
		_, body, _, err := session.DecodeEnvelope(e.Msg, nil)
		if err != nil {
			tb.Fatal(err)
		}
		fam, _ := frames.Detect(e.Topic)
		if fam == frames.UserConversations {
			fam = frames.QueueConversations
		}
		c.bodies[fam] = append(c.bodies[fam], body)
	}
	for _, f := range families {
		if len(c.bodies[f]) == 0 {
			tb.Fatalf("no %s bodies in the sample", f)
		}
	}
	return c
}

// An envelope job: topic, raw body and correlation id, the whole message validated.
// A walk job: every scalar of a body decoded (strings unescaped, numbers parsed), as the
// extractors do; tally keeps the compiler from dropping the work.
type (
	envelopeFunc func(msg []byte) (topic, body, corr []byte, err error)
	walkFunc     func(body []byte, t *tally) error
)

type tally struct {
	strBytes int
	sum      float64
	trues    int
}

type tokenizer struct {
	name     string
	envelope envelopeFunc
	walk     walkFunc
	note     string
}

func tokenizers() []tokenizer {
	return []tokenizer{
		{"jsonscan", jsonscanEnvelope, jsonscanWalk, "the project's"},
		{"jsontext", newJSONText().envelope, newJSONText().walk, "go-json-experiment/json/jsontext"},
		{"fastjson", newFastJSON().envelope, newFastJSON().walk, "valyala/fastjson"},
		{"jsonparser", jsonparserEnvelope, jsonparserWalk, "buger/jsonparser: does not validate"},
		{"encoding-json", stdlibEnvelope, stdlibWalk, "reference"},
	}
}

func BenchmarkEnvelope(b *testing.B) {
	c := load(b)
	for _, tk := range tokenizers() {
		b.Run(tk.name, func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b, cpuTime())
			for i := 0; i < b.N; i++ {
				if _, _, _, err := tk.envelope(c.envelopes[i%len(c.envelopes)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWalk(b *testing.B) {
	c := load(b)
	for _, f := range families {
		bodies := c.bodies[f]
		for _, tk := range tokenizers() {
			b.Run(string(f)+"/"+tk.name, func(b *testing.B) {
				b.ReportAllocs()
				defer reportCPU(b, cpuTime())
				var t tally
				for i := 0; i < b.N; i++ {
					if err := tk.walk(bodies[i%len(bodies)], &t); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// cpuTime is the process's user+system CPU time: on a shared machine it is the
// steadier figure (wall time also counts waiting for a core).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// TestSameResults: every tokenizer extracts the same things from the corpus, so the
// benchmark compares equal work.
func TestSameResults(t *testing.T) {
	c := load(t)
	for _, tk := range tokenizers() {
		for _, msg := range c.envelopes[:200] {
			wt, wb, wc, _ := stdlibEnvelope(msg)
			gt, gb, gc, err := tk.envelope(msg)
			if err != nil || !bytes.Equal(gt, wt) || !bytes.Equal(gc, wc) || !jsonEqual(gb, wb) {
				t.Fatalf("%s envelope: %s %s %v", tk.name, gt, gc, err)
			}
		}
		for _, f := range families {
			for _, body := range c.bodies[f][:min(50, len(c.bodies[f]))] {
				var want, got tally
				_ = stdlibWalk(body, &want)
				if err := tk.walk(body, &got); err != nil || got != want {
					t.Fatalf("%s walk of %s: %+v, want %+v (%v)", tk.name, body, got, want, err)
				}
			}
		}
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && bytesEqualJSON(x, y)
}

func bytesEqualJSON(x, y any) bool {
	a, _ := json.Marshal(x)
	b, _ := json.Marshal(y)
	return bytes.Equal(a, b)
}
