package livestream

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// sdkDataPacket is the reference: what the SDK sends data-only.
func sdkDataPacket(t testing.TB, f *data.Frame) string {
	t.Helper()
	c, err := data.FrameToJSONCache(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(c.Bytes(data.IncludeDataOnly))
}

func ptr[T any](v T) *T { return &v }

// allBytes is every ASCII byte, then invalid UTF-8, line/paragraph separators and
// multi-byte runes.
func allBytes() string {
	var sb strings.Builder
	for b := 0; b < 0x80; b++ {
		sb.WriteByte(byte(b))
	}
	sb.WriteString("\xff\xfe\xc3(é😀\u2028x\u2029\u00a0<script>&amp;")
	return sb.String()
}

func TestAppendDataPacketMatchesSDK(t *testing.T) {
	base := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	floats := []*float64{ptr(0.0), ptr(math.Copysign(0, -1)), ptr(1e-7), ptr(-1e-6), ptr(1e-6), ptr(1e20), ptr(1e21),
		ptr(-1e21), ptr(123.456), ptr(math.MaxFloat64), ptr(5e-324), ptr(42.0), nil, ptr(0.1 + 0.2),
		ptr(-7.0), ptr(999_999_999_999_999.0), ptr(1e15), ptr(-1e15), ptr(float64(1 << 53)), ptr(123456789012.5)}
	n := len(floats)
	times := make([]time.Time, n)
	strs := make([]*string, n)
	bools := make([]*bool, n)
	for i := range times {
		times[i] = base.Add(time.Duration(i) * 1234 * time.Millisecond)
		if i%3 != 0 {
			strs[i] = ptr([]string{"plain", allBytes(), "", `quote " back \ slash`, "ünïcode"}[i%5])
			bools[i] = ptr(i%2 == 0)
		}
	}
	times[1] = time.Date(1969, 7, 20, 20, 17, 40, 0, time.UTC) // before the epoch
	nanoTimes := append([]time.Time(nil), times...)
	nanoTimes[1] = nanoTimes[1].Add(-time.Nanosecond) // before the epoch, sub-millisecond
	nanoTimes[4] = nanoTimes[4].Add(999_999 * time.Nanosecond)
	f := data.NewFrame("v2.routing.queues.x.observations",
		data.NewField("time", nil, times),
		data.NewField("oWaiting", data.Labels{"mediaType": "voice"}, floats),
		data.NewField("state", nil, strs),
		data.NewField("ok", nil, bools))
	withNanos := data.NewFrame("f", data.NewField("received", nil, nanoTimes), data.NewField("ok", nil, bools),
		data.NewField("time", nil, times), data.NewField("at", nil, nanoTimes))
	if got, ok := appendDataPacket(nil, withNanos); !ok || string(got) != sdkDataPacket(t, withNanos) {
		t.Fatalf("sub-millisecond times: %v\n got %s\nwant %s", ok, got, sdkDataPacket(t, withNanos))
	}
	got, ok := appendDataPacket([]byte("keep"), f)
	if !ok {
		t.Fatal("appendDataPacket declined a frame of time, float, string and bool fields")
	}
	if want := "keep" + sdkDataPacket(t, f); string(got) != want {
		t.Fatalf("packet differs from the SDK's\n got %s\nwant %s", got, want)
	}
	empty := data.NewFrame("e", data.NewField("time", nil, []time.Time{}))
	if got, ok := appendDataPacket(nil, empty); !ok || string(got) != sdkDataPacket(t, empty) {
		t.Fatalf("empty frame: %s, %v; want %s", got, ok, sdkDataPacket(t, empty))
	}
}

// What the SDK encodes specially, or types pkg/frames never streams, go to the SDK.
func TestAppendDataPacketDeclines(t *testing.T) {
	cases := map[string]*data.Frame{
		"NaN":          data.NewFrame("f", data.NewField("v", nil, []*float64{ptr(math.NaN())})),
		"+Inf":         data.NewFrame("f", data.NewField("v", nil, []*float64{ptr(math.Inf(1))})),
		"int64":        data.NewFrame("f", data.NewField("n", nil, []int64{1})),
		"plain string": data.NewFrame("f", data.NewField("s", nil, []string{"x"})),
		"ragged":       data.NewFrame("f", data.NewField("a", nil, []*bool{nil}), data.NewField("b", nil, []*bool{nil, nil})),
	}
	for name, f := range cases {
		got, ok := appendDataPacket([]byte("keep"), f)
		if ok || string(got) != "keep" {
			t.Errorf("%s: ok = %v, dst = %q; want declined and dst unchanged", name, ok, got)
		}
	}
}

func FuzzAppendDataPacket(f *testing.F) {
	f.Add("plain", 1.5, int64(1764748800123456789), true)
	f.Add(allBytes(), 1e-7, int64(-1), false)
	f.Add("\u2028\xed\xa0\x80", 1e21, int64(0), true)
	f.Fuzz(func(t *testing.T, s string, v float64, ns int64, b bool) {
		at := time.Unix(0, ns).UTC()
		fr := data.NewFrame("f",
			data.NewField("time", nil, []time.Time{at, at.Add(time.Millisecond), at.Add(time.Duration(ns % 1e6))}),
			data.NewField("v", nil, []*float64{&v, nil, &v}),
			data.NewField("s", nil, []*string{&s, nil, &s}),
			data.NewField("b", nil, []*bool{&b, &b, nil}))
		got, ok := appendDataPacket(nil, fr)
		if !ok {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				t.Fatalf("declined a finite value %v", v)
			}
			return
		}
		if want := sdkDataPacket(t, fr); string(got) != want {
			t.Fatalf("packet differs from the SDK's\n got %s\nwant %s", got, want)
		}
	})
}

// floatStreamer streams one nullable float field, the shape pkg/frames produces.
type floatStreamer struct{ n int }

func (s *floatStreamer) Frame(evs []event.Event) (*data.Frame, bool) {
	times := make([]time.Time, len(evs))
	vals := make([]*float64, len(evs))
	for i := range evs {
		s.n++
		times[i] = time.UnixMilli(int64(s.n) * 1000).UTC()
		vals[i] = ptr(float64(s.n) / 3)
	}
	return data.NewFrame("t", data.NewField("time", nil, times), data.NewField("v", nil, vals)), s.n == len(evs)
}

// A steady stream's packets are the schema once, then exactly the SDK's data-only bytes.
func TestBatcherDataOnlyPacketsMatchSDK(t *testing.T) {
	out := &packets{}
	ref := &floatStreamer{}
	b := NewBatcher(func(string) Streamer { return &floatStreamer{} }, out)
	for flush := 0; flush < 3; flush++ {
		for i := 0; i <= flush; i++ {
			b.Add(ev("t"))
		}
		if err := b.Flush(0); err != nil {
			t.Fatal(err)
		}
		f, _ := ref.Frame(make([]event.Event, flush+1))
		c, err := data.FrameToJSONCache(f)
		if err != nil {
			t.Fatal(err)
		}
		want := string(c.Bytes(data.IncludeDataOnly))
		if flush == 0 {
			want = string(c.Bytes(data.IncludeAll))
		}
		if out.got[flush] != want {
			t.Fatalf("packet %d\n got %s\nwant %s", flush, out.got[flush], want)
		}
	}
}

// BenchmarkDataPacket encodes a 30-row observation-like frame (counts, millisecond
// sums, a fraction and a string per row) as the Batcher does; BenchmarkDataPacketSDK
// is the same packet by the SDK.
func BenchmarkDataPacket(b *testing.B) {
	f := packetBenchFrame()
	var buf []byte
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf, _ = appendDataPacket(buf[:0], f)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*f.Rows()), "ns/row")
}

func BenchmarkDataPacketSDK(b *testing.B) {
	f := packetBenchFrame()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c, err := data.FrameToJSONCache(f)
		if err != nil {
			b.Fatal(err)
		}
		_ = c.Bytes(data.IncludeDataOnly)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*f.Rows()), "ns/row")
}

func packetBenchFrame() *data.Frame {
	const rows = 30
	times := make([]time.Time, rows)
	fields := []*data.Field{data.NewField("time", nil, times)}
	for c := 0; c < 12; c++ {
		vals := make([]*float64, rows)
		for r := range vals {
			if (r+c)%4 != 0 {
				vals[r] = ptr(float64(r*c*1500 + c))
			}
		}
		fields = append(fields, data.NewField(fmt.Sprintf("m%d", c), nil, vals))
	}
	ratio, state := make([]*float64, rows), make([]*string, rows)
	for r := range times {
		times[r] = time.UnixMilli(1764748800000 + int64(r)*1000)
		ratio[r], state[r] = ptr(float64(r)/7), ptr("INTERACTING")
	}
	return data.NewFrame("t", append(fields, data.NewField("ratio", nil, ratio), data.NewField("state", nil, state))...)
}
