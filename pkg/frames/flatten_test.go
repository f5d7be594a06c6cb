package frames

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

func flat(t testing.TB, body string) (string, error) {
	t.Helper()
	var parts []string
	err := flatten([]byte(body), func(path string, v value) {
		parts = append(parts, fmt.Sprintf("%s=%s:%s", path, v.kind, v.text()))
	})
	return strings.Join(parts, " "), err
}

func TestFlatten(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"document order, not key order", `{"z":1,"a":"x","m":true}`, `z=number:1 a=string:x m=boolean:true`},
		{"nested objects", `{"a":{"b":{"c":1.5}},"d":2}`, `a.b.c=number:1.5 d=number:2`},
		{"nulls are missing", `{"a":null,"b":{"c":null}}`, ``},
		{"arrays by index", `{"q":[{"id":"x"},{"id":"y"}]}`, `q.0.id=string:x q.1.id=string:y`},
		{"long arrays keep the rest as JSON", `{"t":[1,2,3,4,5,6,{"a":7}]}`, `t.0=number:1 t.1=number:2 t.2=number:3 t.3=number:4 t.4=number:5 t.more=string:[6,{"a":7}]`},
		{"bare scalar", `42`, `=number:42`},
		{"empty containers", `{"a":{},"b":[]}`, ``},
		{"deep nesting kept as text", strings.Repeat(`{"a":`, 20) + `1` + strings.Repeat(`}`, 20),
			strings.TrimSuffix(strings.Repeat("a.", 16), ".") + `=string:{"a":{"a":{"a":{"a":1}}}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := flat(t, tc.body)
			if err != nil || got != tc.want {
				t.Fatalf("flatten(%s) = %q, %v\nwant %q", tc.body, got, err, tc.want)
			}
		})
	}
	for _, bad := range []string{``, `{`, `{"a":}`, `{"a":1}x`, `[1,2`, `1e999`, `{"a" 1}`} {
		if _, err := flat(t, bad); !IsMalformed(err) {
			t.Errorf("flatten(%q): err %v, want ErrMalformed", bad, err)
		}
	}
}

// FuzzFlatten: any input either fails with ErrMalformed or flattens valid JSON into
// well-formed paths, without panicking; valid JSON never fails.
func FuzzFlatten(f *testing.F) {
	for _, seed := range []string{obsVoice1, conversationBody1, presenceBody1, routingBody1, detailBody,
		`{"a":[1,[2,[3]],{"b":null}]}`, `[]`, `"s"`, `null`, `{"":{"":1}}`, `{"a.b":1,"a":{"b":"x"}}`, `{`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		n := 0
		err := flatten(body, func(path string, v value) {
			n++
			if v.kind < kindNumber || v.kind > kindBool {
				t.Fatalf("path %q: bad kind %d", path, v.kind)
			}
		})
		if err != nil && !IsMalformed(err) {
			t.Fatalf("error not ErrMalformed: %v", err)
		}
		if err != nil && json.Valid(body) && !strings.Contains(err.Error(), "number") {
			t.Fatalf("valid JSON rejected: %v", err)
		}
		// Whatever the body, building frames must not panic.
		for _, topic := range []string{obsTopic, convTopic, presenceTopic, routingTopic, detailTopic, "v2.x"} {
			_, _ = Build(topic, []event.Event{evt(topic, at(1), string(body))}, Options{})
		}
	})
}
