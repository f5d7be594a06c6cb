package jsonscan

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// decodeAny reads one value with the Walker into what json.Unmarshal gives for an
// `any` (maps, slices, strings, float64, bools, nil); !ok when the walker declines.
func decodeAny(w *Walker, depth int) (any, bool) {
	if depth > 64 {
		return nil, false
	}
	switch c := w.Peek(); c {
	case '{':
		m := map[string]any{}
		ok := w.Fields(nil, func(k []byte) bool {
			v, ok := decodeAny(w, depth+1)
			m[string(k)] = v
			return ok
		})
		return m, ok
	case '[':
		a := []any{}
		ok := w.Elements(func() bool {
			v, ok := decodeAny(w, depth+1)
			a = append(a, v)
			return ok
		})
		return a, ok
	case '"':
		b, ok := w.Text()
		return string(b), ok
	case 't', 'f':
		return w.Bool()
	case 'n':
		return nil, w.Literal() == nil
	}
	return w.Float()
}

// pair is what a struct with two known fields, matched case-insensitively by
// encoding/json, decodes to.
type pair struct {
	A any `json:"alpha"`
	B any `json:"Beta"`
}

var pairKeys = []string{"alpha", "Beta"}

func decodePair(w *Walker) (pair, bool) {
	var p pair
	ok := w.Fields(pairKeys, func(k []byte) bool {
		var ok bool
		switch string(k) {
		case "alpha":
			p.A, ok = decodeAny(w, 1)
		case "Beta":
			p.B, ok = decodeAny(w, 1)
		default:
			ok = w.Skip()
		}
		return ok
	})
	return p, ok && w.AtEnd()
}

// checkOracle compares the tokenizer with encoding/json on data: SkipValue accepts
// exactly what json.Valid accepts, and whatever the Walker accepts decodes to what
// json.Unmarshal gives. It reports whether the Walker took the value as an `any`.
func checkOracle(t *testing.T, data []byte) bool {
	t.Helper()
	s := Scanner{Data: data}
	raw, err := s.SkipValue()
	valid := err == nil && s.AtEnd()
	if valid != json.Valid(data) {
		t.Fatalf("%q: SkipValue valid=%v (%v), json.Valid=%v", data, valid, err, !valid)
	}
	if valid && string(raw) != strings.Trim(string(data), " \t\r\n") {
		t.Fatalf("%q: SkipValue returned %q", data, raw)
	}

	w := NewWalker(data)
	got, ok := decodeAny(&w, 0)
	ok = ok && w.AtEnd()
	var want any
	wantErr := json.Unmarshal(data, &want)
	if ok {
		if wantErr != nil {
			t.Fatalf("%q: Walker accepted what json.Unmarshal rejects: %v", data, wantErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: Walker %#v, json.Unmarshal %#v", data, got, want)
		}
	}

	pw := NewWalker(data)
	gotPair, pairOK := decodePair(&pw)
	var wantPair pair
	pairErr := json.Unmarshal(data, &wantPair)
	if pairOK {
		if pairErr != nil {
			t.Fatalf("%q: Walker.Fields accepted what json.Unmarshal rejects: %v", data, pairErr)
		}
		if !reflect.DeepEqual(gotPair, wantPair) {
			t.Fatalf("%q: Walker.Fields %#v, json.Unmarshal %#v", data, gotPair, wantPair)
		}
	}
	return ok
}

var seeds = []struct {
	json string
	fast bool // the Walker reads it (else it declines and encoding/json decides)
}{
	{`{"topicName":"v2.users.u1.presence","version":"2","eventBody":{"presenceDefinition":{"id":"p","systemPresence":"AVAILABLE"},"primary":true,"message":"","modifiedDate":"2026-11-29T00:58:00.000Z"},"metadata":{"CorrelationId":"c1"}}`, true},
	{`{"group":{"queueId":"q","mediaType":"voice"},"data":[{"interval":"a/b","metrics":[{"metric":"oWaiting","stats":{"count":3}},{"metric":"tAbandon","stats":{"count":2,"sum":86168.5,"min":-1e3,"max":7E+2}}]}]}`, true},
	{` [1, -0, 0.5, 1e-7, "x", true, false, null, {}, []] `, true},
	{`{"alpha":1,"Beta":[2]}`, true},
	{`"caf\u00e9 \"q\" \ud83d\ude00"`, true},
	{`"bad surrogate \ud800"`, true},
	{"\"invalid utf-8 \xff\"", true},
	{"\"é plain\"", true},
	{`{"ALPHA":1}`, true}, // as a map; Fields with known keys declines it (below)
	{`{"alpha":1,"alpha":2}`, true},
	{`{"a\u006c":1}`, false}, // escaped key
	{`{"alpha":null}`, true},
	{`1e400`, false},
	{`{"a":1,}`, false}, {`[1,]`, false}, {`{"a" 1}`, false}, {`01`, false}, {`-`, false},
	{`1.`, false}, {`.5`, false}, {`"\x"`, false}, {"\"\x01\"", false}, {`"\u12"`, false},
	{`tru`, false}, {`nul`, false}, {`{`, false}, {`[`, false}, {``, false}, {`1 2`, false},
	{strings.Repeat("[", 10001) + strings.Repeat("]", 10001), false},
	{strings.Repeat("[", 10000) + strings.Repeat("]", 10000), false}, // valid; deeper than decodeAny goes
	// skipped inside an object: nesting counts from the top, as encoding/json counts it
	{`{"x":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`, false},
	{`{"x":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `}`, false},
}

func TestScannerAgainstEncodingJSON(t *testing.T) {
	for _, s := range seeds {
		if got := checkOracle(t, []byte(s.json)); got != s.fast {
			t.Errorf("%.60q: walker took it: %v, want %v", s.json, got, s.fast)
		}
	}
}

// Fields declines what encoding/json would read differently from a plain key match.
func TestFieldsDeclinesCaseVariantsAndDuplicates(t *testing.T) {
	for _, s := range []string{`{"ALPHA":1}`, `{"beta":1}`, `{"alpha":1,"alpha":2}`, `{"a\u006cpha":1}`, "{\"\u212a\":1}"} {
		w := NewWalker([]byte(s))
		if _, ok := decodePair(&w); ok {
			t.Errorf("%s: Fields accepted it", s)
		}
		checkOracle(t, []byte(s))
	}
	w := NewWalker([]byte(`{"alpha":"x","other":{"Beta":1},"Beta":false}`))
	if p, ok := decodePair(&w); !ok || p.A != "x" || p.B != false {
		t.Errorf("plain object: %+v, %v", p, ok)
	}
}

// FuzzScanner checks the tokenizer against encoding/json on arbitrary input
// (go test -fuzz FuzzScanner ./pkg/jsonscan); its seeds run in every go test.
func FuzzScanner(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s.json))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkOracle(t, data) })
}
