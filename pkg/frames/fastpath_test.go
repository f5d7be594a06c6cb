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
func checkFastMatchesSlow(t *testing.T, fast fastScan, slow slowScan, body []byte) bool {
	t.Helper()
	prefix := []cell{{name: "kept"}}
	want, wantAt, wantErr := slow(body, append([]cell(nil), prefix...))
	got, gotAt, ok := fast(body, append([]cell(nil), prefix...))
	if !ok {
		if !reflect.DeepEqual(got, prefix) {
			t.Fatalf("body %q: fallback left cells %v", body, got)
		}
		return false
	}
	if wantErr != nil {
		t.Fatalf("body %q: fast scan accepted what json.Unmarshal rejects: %v", body, wantErr)
	}
	if !reflect.DeepEqual(got, want) || !gotAt.Equal(wantAt) {
		t.Fatalf("body %q:\nfast %v at %v\nslow %v at %v", body, got, gotAt, want, wantAt)
	}
	return true
}

// slowScan is an encoding/json-based extractor, the reference for a fastScan.
type slowScan func(json.RawMessage, []cell) ([]cell, time.Time, error)

// fastScan is a fast extractor: cells, the row time (zero: arrival) and whether it took
// the body.
type fastScan func([]byte, []cell) ([]cell, time.Time, bool)

// arrivalTimed adapts the scans of bodies without an event time.
func arrivalTimed(f func([]byte, []cell) ([]cell, bool)) fastScan {
	return func(b []byte, c []cell) ([]cell, time.Time, bool) {
		out, ok := f(b, c)
		return out, time.Time{}, ok
	}
}
