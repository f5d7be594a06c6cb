package frames

import (
	"reflect"
	"testing"
	"time"
)

// envelopeTail is what follows an event body in its socket message: a fast scan reads
// the body inside the message (Scan), so it must stop at the body's end.
const envelopeTail = `,"metadata":{"CorrelationId":"c1"}}`

// checkFastMatchesSlow: whenever a fast scan accepts a body, it gives exactly what the
// json.Unmarshal-based decoding gives, and malformed bodies never pass it; when it
// declines, it leaves the cells as they were for the slow path. It reads the body the
// same way when the rest of a socket message follows it, and ends where the body does.
func checkFastMatchesSlow(t *testing.T, fast fastScan, slow slowExtractor, body []byte) bool {
	t.Helper()
	prefix := []cell{{name: "kept"}}
	want, wantAt, wantErr := slow(body, append([]cell(nil), prefix...))
	got, gotAt, end, ok := fast(body, append([]cell(nil), prefix...))
	if !ok {
		if !reflect.DeepEqual(got, prefix) {
			t.Fatalf("body %q: fallback left cells %v", body, got)
		}
		return false
	}
	inMsg, inMsgAt, inMsgEnd, inMsgOK := fast(append(append([]byte(nil), body...), envelopeTail...), nil)
	if !inMsgOK || inMsgEnd != end || !sameCells(inMsg, got[1:]) || !inMsgAt.Equal(gotAt) {
		t.Fatalf("body %q read inside a message: %v at %v, end %d, %v; alone %v, end %d", body, inMsg, inMsgAt, inMsgEnd, inMsgOK, got, end)
	}
	if wholeValue(body, end) != nil { // a value, then more: not a body
		if wantErr == nil {
			t.Fatalf("body %q: json.Unmarshal takes it, but the fast scan ended at %d", body, end)
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

// fastScan is a fast extractor: cells, the row time (zero: arrival), the body value's
// end and whether it took the body.
type fastScan func([]byte, []cell) ([]cell, time.Time, int, bool)

// arrivalTimed adapts the scans of bodies without an event time.
func arrivalTimed(f func([]byte, []cell) ([]cell, int, bool)) fastScan {
	return func(b []byte, c []cell) ([]cell, time.Time, int, bool) {
		out, end, ok := f(b, c)
		return out, time.Time{}, end, ok
	}
}

func sameCells(a, b []cell) bool { return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b)) }
