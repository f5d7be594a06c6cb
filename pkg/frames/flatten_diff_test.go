package frames

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// flatLog renders every emitted pair exactly (numbers by their bits).
func flatLog(fn func([]byte, func(string, value)) error, body []byte) (string, error) {
	var b strings.Builder
	err := fn(body, func(path string, v value) {
		fmt.Fprintf(&b, "%q %d %x %q %t\n", path, v.kind, math.Float64bits(v.num), v.str, v.b)
	})
	return b.String(), err
}

// checkAgainstOracle: the scanner accepts exactly what the Token walker accepts
// and emits the same paths and values.
func checkAgainstOracle(t *testing.T, body []byte) {
	t.Helper()
	want, wantErr := flatLog(flattenOracle, body)
	got, gotErr := flatLog(flatten, body)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("body %q: error %v, oracle error %v", body, gotErr, wantErr)
	}
	if gotErr != nil {
		if !IsMalformed(gotErr) {
			t.Fatalf("body %q: error %v does not wrap ErrMalformed", body, gotErr)
		}
		return
	}
	if got != want {
		t.Fatalf("body %q:\ngot\n%s\nwant\n%s", body, got, want)
	}
}

var oracleCases = []string{
	obsVoice1, conversationBody1, presenceBody1, routingBody1, detailBody,
	`{"z":1,"a":"x","m":true}`, ` { "a" : [ 1 , 2 ] , "b" : { } } `, `[]`, `{}`, `"s"`, `null`, `true`, `false`, `-0`, `0.5e-3`,
	`{"":{"":1}}`, `{"a.b":1,"a":{"b":"x"}}`, `{"a":[1,[2,[3]],{"b":null}]}`,
	`{"t":[1,2,3,4,5]}`, `{"t":[1,2,3,4,5,6]}`, `{"t":[1,2,3,4,5, 6 , {"a" : [7, "x\"]"]} ,null]}`,
	`{"e":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00\ud800x"}`, `{"k\u002e\"":"v"}`, "{\"bad\xff\":\"x\xfe\"}",
	`{"ü":"日本語"}`, `1e308`, `1e309`, `-1e999`, `123456789012345678901234567890`, `4.9e-324`, `1e-400`,
	strings.Repeat(`{"a":`, 20) + `1` + strings.Repeat(`}`, 20),
	strings.Repeat(`[`, 16) + `null` + strings.Repeat(`]`, 16),
	strings.Repeat(`[`, 15) + `null` + strings.Repeat(`]`, 15),
	`{"a":` + strings.Repeat(`[`, 10010) + strings.Repeat(`]`, 10010) + `}`,
	`{"d":` + strings.Repeat(`{"x":[`, 9) + `1,2,3,4,5,6,{"y":7}` + strings.Repeat(`]}`, 9) + `}`,
	``, ` `, `{`, `}`, `{"a":}`, `{"a":1}x`, `{"a":1} {}`, `[1,2`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{1:2}`,
	`01`, `-`, `1.`, `.5`, `1e`, `+1`, `tru`, `nul`, `[1}`, `{"a":[}`, `"abc`, "\"a\x01\"", `"\x"`, `"\u12"`,
	`{"t":[1,2,3,4,5,6,]}`, `{"t":[1,2,3,4,5,6}`, `{"t":[1,2,3,4,5,{"a":1,}]}`, `[1,2,3,4,5,6 7]`,
	"\ufeff{}", `{"a":1}` + "\n", "\t[\r\n]",
}

func TestFlattenMatchesOracle(t *testing.T) {
	for _, body := range oracleCases {
		checkAgainstOracle(t, []byte(body))
	}
}

func FuzzFlattenOracle(f *testing.F) {
	for _, seed := range oracleCases {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkAgainstOracle(t, body) })
}
