package bench

import (
	"testing"

	"github.com/cxlive/genesyscloud-datasource/pkg/jsonscan"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// BenchmarkIngestFloorBody is one validating pass over each sampled event body with
// the project's tokenizer: the least reading a frame builder must do after the envelope,
// since a packet carries values from all over the body. bench/run.sh adds it to the bare
// loop and the measured packet encoding to show how little of the ingestion targets is
// left for everything else (hub, tables, hand-offs between goroutines, GC).
func BenchmarkIngestFloorBody(b *testing.B) {
	sim := simulator.NewTestServer(b, simulator.Config{})
	_, msgs, _ := loadSample(sim)
	bodies := make([][]byte, len(msgs))
	for i, m := range msgs {
		_, body, _, err := session.DecodeEnvelope(m, nil)
		if err != nil {
			b.Fatal(err)
		}
		bodies[i] = body
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		s := jsonscan.Scanner{Data: bodies[i%len(bodies)]}
		if _, err := s.SkipValue(); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, b.N, cpuTime()-cpu0)
}
