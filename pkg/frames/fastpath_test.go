package frames

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// checkFastMatchesSlow: whenever a fast scan accepts a body, it gives exactly what the
// json.Unmarshal-based decoding gives, and malformed bodies never pass it; when it
// declines, it leaves the cells as they were for the slow path.
func checkFastMatchesSlow(t *testing.T, fast func([]byte, []cell) ([]cell, bool),
	slow func(json.RawMessage, []cell) ([]cell, time.Time, error), body []byte) bool {
	t.Helper()
	prefix := []cell{{name: "kept"}}
	want, _, wantErr := slow(body, append([]cell(nil), prefix...))
	got, ok := fast(body, append([]cell(nil), prefix...))
	if !ok {
		if !reflect.DeepEqual(got, prefix) {
			t.Fatalf("body %q: fallback left cells %v", body, got)
		}
		return false
	}
	if wantErr != nil {
		t.Fatalf("body %q: fast scan accepted what json.Unmarshal rejects: %v", body, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("body %q:\nfast %v\nslow %v", body, got, want)
	}
	return true
}
