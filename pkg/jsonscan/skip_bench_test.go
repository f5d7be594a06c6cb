package jsonscan_test

import (
	"testing"

	"github.com/cxlive/genesyscloud-datasource/pkg/jsonscan"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// sampleMessages are socket messages as the simulator sends them (all families), the
// text the tokenizer reads in production.
func sampleMessages() ([][]byte, int64) {
	sim := simulator.New(simulator.Config{})
	defer sim.Close()
	var msgs [][]byte
	var n int64
	for _, e := range sim.SampleEvents(2000) {
		msgs = append(msgs, e.Msg)
		n += int64(len(e.Msg))
	}
	return msgs, n
}

// BenchmarkSkipValue validates whole messages, the work the session does for each
// body (go test -bench SkipValue ./pkg/jsonscan); MB/s is over message bytes.
func BenchmarkSkipValue(b *testing.B) {
	msgs, n := sampleMessages()
	b.SetBytes(n / int64(len(msgs)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := jsonscan.Scanner{Data: msgs[i%len(msgs)]}
		if _, err := s.SkipValue(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWalkStrings reads every key and string of whole messages with the Walker,
// the frames extractors' way (RawString on every key and Text on every string).
func BenchmarkWalkStrings(b *testing.B) {
	msgs, n := sampleMessages()
	b.SetBytes(n / int64(len(msgs)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := jsonscan.NewWalker(msgs[i%len(msgs)])
		if !walkAll(&w) {
			b.Fatal("walk failed")
		}
	}
}

func walkAll(w *jsonscan.Walker) bool {
	switch w.Peek() {
	case '{':
		return w.Fields(nil, func([]byte) bool { return walkAll(w) })
	case '[':
		return w.Elements(func() bool { return walkAll(w) })
	case '"':
		_, ok := w.Text()
		return ok
	}
	return w.Skip()
}
