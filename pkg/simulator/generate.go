package simulator

import (
	"context"
	"fmt"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator/generator"
)

// GeneratorConfig tunes the generated traffic (rate, handle times, ...); zero = defaults.
type GeneratorConfig = generator.Config

// Envelope of a sampled event, ready to send.
type SampledEvent struct {
	Topic string
	Msg   []byte // the encoded socket message
}

// StartGenerator runs the contact-centre model on Clock, stepping it every g.Tick and
// publishing what changed, until ctx ends, StopGenerator or Close. A second call replaces
// the running generator. The model is the server's own (seeded by Config.Seed), so the
// REST observations query reports the same state.
func (s *Server) StartGenerator(ctx context.Context, g GeneratorConfig) {
	s.genMu.Lock()
	defer s.genMu.Unlock()
	s.stopGeneratorLocked()
	s.model.SetConfig(g)
	if g.Tick <= 0 {
		g.Tick = 250 * time.Millisecond
	}
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		return
	default:
	}
	s.wg.Add(1)
	s.mu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	s.genStop, s.genCfg = func() { cancel(); <-done }, g
	s.record(Record{Kind: "generator_start", Detail: fmt.Sprintf("rate %g/s", g.Rate)})
	ticker := s.clock.NewTicker(g.Tick)
	go func() {
		defer s.wg.Done()
		defer close(done)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.closed:
				return
			case <-ticker.Chan():
				for _, ev := range s.model.Step(s.clock.Now()) {
					s.Publish(ev.Topic, ev.Body)
				}
				s.genSteps.Add(1)
			}
		}
	}()
}

// GeneratorSteps is how many times the generator has stepped and published; after advancing
// a fake clock, wait for it to grow before asserting on events.
func (s *Server) GeneratorSteps() int64 { return s.genSteps.Load() }

// StopGenerator stops the running generator, if any, and waits for it.
func (s *Server) StopGenerator() { s.stopGenerator() }

func (s *Server) stopGenerator() {
	s.genMu.Lock()
	defer s.genMu.Unlock()
	s.stopGeneratorLocked()
}

func (s *Server) stopGeneratorLocked() {
	if s.genStop != nil {
		s.genStop()
		s.genStop = nil
	}
	s.genCfg = GeneratorConfig{}
}

// Generator is the configuration of the running generator (zero Rate: none runs).
func (s *Server) Generator() GeneratorConfig {
	s.genMu.Lock()
	defer s.genMu.Unlock()
	return s.genCfg
}

// SampleEvents returns n realistic, already-encoded socket messages (queue observations,
// conversations, presence, routing status, detail events) from a busy copy of the model.
// For benchmarks: encode once, then Blast.
func (s *Server) SampleEvents(n int) []SampledEvent {
	evs := s.model.Sample(n)
	out := make([]SampledEvent, len(evs))
	for i, ev := range evs {
		out[i] = SampledEvent{Topic: ev.Topic, Msg: s.Envelope(ev.Topic, ev.Body)}
	}
	return out
}
