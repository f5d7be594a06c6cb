package simulator

import (
	"io"
	"testing"
	"time"
)

// BenchmarkBlast measures socket throughput of pre-encoded realistic events to one
// in-process gorilla reader (which discards them).
func BenchmarkBlast(b *testing.B) {
	s := NewTestServer(b, Config{})
	tok := getTokenB(b, s)
	c := newChannelB(b, s, tok)
	ws, _, err := (&dialer).Dial(c, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	for s.socketOf(idOf(c)) == nil {
		time.Sleep(time.Millisecond)
	}
	sample := s.SampleEvents(2000)
	payloads := make([][]byte, len(sample))
	bytes := 0
	for i, e := range sample {
		payloads[i] = e.Msg
		bytes += len(e.Msg)
	}
	b.SetBytes(int64(bytes / len(sample)))
	b.ResetTimer()
	go s.Blast(idOf(c), payloads, b.N)
	for i := 0; i < b.N; i++ {
		_, r, err := ws.NextReader()
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, r)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
