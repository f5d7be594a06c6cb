// Package jsoncmp measures pkg/jsonscan, the project's JSON tokenizer, against
// well-kept libraries on the bodies the plugin reads (go test -bench . in this
// directory). It is its own module so that the main module does not depend on the
// libraries it compares; the figures are in BENCHMARKS.md.
package jsoncmp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/buger/jsonparser"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/valyala/fastjson"

	"github.com/cxlive/genesyscloud-datasource/pkg/frames"
	"github.com/cxlive/genesyscloud-datasource/pkg/jsonscan"
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

// ---- pkg/jsonscan (production code for the envelope; the walker for bodies)

func jsonscanEnvelope(msg []byte) (topic, body, corr []byte, err error) {
	t, bd, c, err := session.DecodeEnvelope(msg, names)
	return []byte(t), bd, []byte(c), err
}

var names = map[string]string{}

func jsonscanWalk(body []byte, t *tally) error {
	w := jsonscan.NewWalker(body)
	if !walkValue(&w, t) || !w.AtEnd() {
		return errors.New("jsonscan declined")
	}
	return nil
}

func walkValue(w *jsonscan.Walker, t *tally) bool {
	switch w.Peek() {
	case '{':
		return w.Fields(nil, func([]byte) bool { return walkValue(w, t) })
	case '[':
		return w.Elements(func() bool { return walkValue(w, t) })
	case '"':
		s, ok := w.Text()
		t.strBytes += len(s)
		return ok
	case 't', 'f':
		v, ok := w.Bool()
		if v {
			t.trues++
		}
		return ok
	case 'n':
		return w.Literal() == nil
	}
	f, ok := w.Float()
	t.sum += f
	return ok
}

// ---- encoding/json

func stdlibEnvelope(msg []byte) (topic, body, corr []byte, err error) {
	var env struct {
		TopicName string          `json:"topicName"`
		EventBody json.RawMessage `json:"eventBody"`
		Metadata  struct {
			CorrelationID string `json:"CorrelationId"`
		} `json:"metadata"`
	}
	err = json.Unmarshal(msg, &env)
	return []byte(env.TopicName), env.EventBody, []byte(env.Metadata.CorrelationID), err
}

func stdlibWalk(body []byte, t *tally) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	tallyAny(v, t)
	return nil
}

func tallyAny(v any, t *tally) {
	switch v := v.(type) {
	case map[string]any:
		for _, x := range v {
			tallyAny(x, t)
		}
	case []any:
		for _, x := range v {
			tallyAny(x, t)
		}
	case string:
		t.strBytes += len(v)
	case float64:
		t.sum += v
	case bool:
		if v {
			t.trues++
		}
	}
}

// ---- go-json-experiment/json/jsontext: a streaming tokenizer, validating as it reads

type jsonText struct {
	r bytes.Reader
	d *jsontext.Decoder
}

func newJSONText() *jsonText {
	j := &jsonText{}
	j.d = jsontext.NewDecoder(&j.r)
	return j
}

func (j *jsonText) reset(b []byte) {
	j.r.Reset(b)
	j.d.Reset(&j.r, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
}

func (j *jsonText) end() error {
	if _, err := j.d.ReadToken(); err != io.EOF {
		return errors.New("trailing data")
	}
	return nil
}

func (j *jsonText) envelope(msg []byte) (topic, body, corr []byte, err error) {
	j.reset(msg)
	if tok, err := j.d.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, nil, nil, errors.New("not an object")
	}
	for j.d.PeekKind() != '}' {
		name, err := j.d.ReadToken()
		if err != nil {
			return nil, nil, nil, err
		}
		switch name.String() {
		case "topicName":
			tok, err := j.d.ReadToken()
			if err != nil {
				return nil, nil, nil, err
			}
			topic = []byte(tok.String())
		case "eventBody":
			v, err := j.d.ReadValue()
			if err != nil {
				return nil, nil, nil, err
			}
			body = append(body[:0], v...)
		case "metadata":
			if _, err := j.d.ReadToken(); err != nil {
				return nil, nil, nil, err
			}
			for j.d.PeekKind() != '}' {
				k, err := j.d.ReadToken()
				if err != nil {
					return nil, nil, nil, err
				}
				isCorr := k.String() == "CorrelationId" // k is void after the next read
				v, err := j.d.ReadToken()
				if err != nil {
					return nil, nil, nil, err
				}
				if isCorr {
					corr = []byte(v.String())
				}
			}
			if _, err := j.d.ReadToken(); err != nil {
				return nil, nil, nil, err
			}
		default:
			if err := j.d.SkipValue(); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	if _, err := j.d.ReadToken(); err != nil {
		return nil, nil, nil, err
	}
	return topic, body, corr, j.end()
}

func (j *jsonText) walk(body []byte, t *tally) error {
	j.reset(body)
	type open struct{ object, wantName bool }
	var buf [16]open
	stack := buf[:0]
	for {
		tok, err := j.d.ReadToken()
		if err != nil {
			return err
		}
		k := tok.Kind()
		if n := len(stack); n > 0 && stack[n-1].wantName && k == '"' {
			stack[n-1].wantName = false // a member name: not counted
			continue
		}
		switch k {
		case '{':
			stack = append(stack, open{object: true, wantName: true})
			continue
		case '[':
			stack = append(stack, open{})
			continue
		case '}', ']':
			stack = stack[:len(stack)-1]
		case '"':
			t.strBytes += len(tok.String())
		case '0':
			f, err := tok.Float()
			if err != nil {
				return err
			}
			t.sum += f
		case 't':
			t.trues++
		}
		if len(stack) == 0 {
			return j.end()
		}
		if top := &stack[len(stack)-1]; top.object {
			top.wantName = true
		}
	}
}

// ---- valyala/fastjson: parses into a reused tree, validating

type fastJSON struct{ p fastjson.Parser }

func newFastJSON() *fastJSON { return &fastJSON{} }

func (f *fastJSON) envelope(msg []byte) (topic, body, corr []byte, err error) {
	v, err := f.p.ParseBytes(msg)
	if err != nil {
		return nil, nil, nil, err
	}
	topic = v.GetStringBytes("topicName")
	if b := v.Get("eventBody"); b != nil {
		body = b.MarshalTo(nil) // fastjson keeps no raw text: the body is re-encoded
	}
	return topic, body, v.GetStringBytes("metadata", "CorrelationId"), nil
}

func (f *fastJSON) walk(body []byte, t *tally) error {
	v, err := f.p.ParseBytes(body)
	if err != nil {
		return err
	}
	tallyFast(v, t)
	return nil
}

func tallyFast(v *fastjson.Value, t *tally) {
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		o.Visit(func(_ []byte, x *fastjson.Value) { tallyFast(x, t) })
	case fastjson.TypeArray:
		a, _ := v.Array()
		for _, x := range a {
			tallyFast(x, t)
		}
	case fastjson.TypeString:
		s, _ := v.StringBytes()
		t.strBytes += len(s)
	case fastjson.TypeNumber:
		f, _ := v.Float64()
		t.sum += f
	case fastjson.TypeTrue:
		t.trues++
	}
}

// ---- buger/jsonparser: finds values by path without a full validating pass

func jsonparserEnvelope(msg []byte) (topic, body, corr []byte, err error) {
	var paths = [][]string{{"topicName"}, {"eventBody"}, {"metadata", "CorrelationId"}}
	jsonparser.EachKey(msg, func(idx int, v []byte, vt jsonparser.ValueType, e error) {
		switch idx {
		case 0:
			topic, _ = jsonparser.Unescape(v, nil)
		case 1:
			body = v
		case 2:
			corr, _ = jsonparser.Unescape(v, nil)
		}
		if e != nil {
			err = e
		}
	}, paths...)
	return topic, body, corr, err
}

func jsonparserWalk(body []byte, t *tally) error {
	return walkParser(body, jsonparser.Object, t)
}

func walkParser(v []byte, vt jsonparser.ValueType, t *tally) error {
	var err error
	switch vt {
	case jsonparser.Object:
		err = jsonparser.ObjectEach(v, func(_, x []byte, xt jsonparser.ValueType, _ int) error {
			return walkParser(x, xt, t)
		})
	case jsonparser.Array:
		_, e := jsonparser.ArrayEach(v, func(x []byte, xt jsonparser.ValueType, _ int, e error) {
			if e == nil {
				e = walkParser(x, xt, t)
			}
			if e != nil && err == nil {
				err = e
			}
		})
		if e != nil {
			err = e
		}
	case jsonparser.String:
		var buf [64]byte
		s, e := jsonparser.Unescape(v, buf[:])
		t.strBytes += len(s)
		err = e
	case jsonparser.Number:
		f, e := jsonparser.ParseFloat(v)
		t.sum += f
		err = e
	case jsonparser.Boolean:
		if v[0] == 't' {
			t.trues++
		}
	}
	return err
}
