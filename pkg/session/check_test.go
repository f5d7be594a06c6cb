package session

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

func TestCheckHealthy(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.start(topicA)
	if err := h.m.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	if h.sim.Count("channel_head") != 1 || h.sim.Count("ping") != 1 {
		t.Fatalf("head %d ping %d", h.sim.Count("channel_head"), h.sim.Count("ping"))
	}
}

func TestCheckWithoutTopicsProbesItsOwnChannelOnce(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.m.Start()
	for i := 0; i < 3; i++ {
		if err := h.m.Check(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if n := h.sim.Count("channel_create"); n != 1 {
		t.Fatalf("health checks created %d channels, want 1 reused", n)
	}
}

func TestCheckReportsMissingPong(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.start(topicA)
	h.sim.SetPongs(false)
	errc := make(chan error, 1)
	go func() { errc <- h.m.Check(context.Background()) }()
	h.idle(1) // the loop, the simulator's ticker and Check's pong timer
	h.clock.Advance(11 * time.Second)
	if err := <-errc; err == nil || !strings.Contains(err.Error(), "did not answer a ping within 10s") {
		t.Fatalf("Check = %v", err)
	}
}

func TestCheckReportsDeadChannel(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.start(topicA)
	h.sim.ExpireChannel(h.sim.Channels()[0].ID)
	err := h.m.Check(t.Context())
	if err == nil || !strings.Contains(err.Error(), "is not alive") || !strings.Contains(err.Error(), "404") {
		t.Fatalf("Check = %v", err)
	}
}

func TestMetricsTwoManagersOneRegistry(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	a := newHarness(t, simulator.Config{}, func(c *Config, _ *auth.Config) { c.Name = "uid-a" })
	b := newHarness(t, simulator.Config{}, func(c *Config, _ *auth.Config) { c.Name = "uid-b" })
	unA, err := a.m.Register(reg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.m.Register(reg); err != nil {
		t.Fatal(err)
	}
	a.start(topicA)
	a.publishSeen(topicA)
	if n, err := countSeries(reg, "genesys_notifications_events_total"); err != nil || n != 2 {
		t.Fatalf("series = %d, %v", n, err)
	}
	// A new manager for the same data source replaces the old collector.
	c := newHarness(t, simulator.Config{}, func(c *Config, _ *auth.Config) { c.Name = "uid-a" })
	if _, err := c.m.Register(reg); err != nil {
		t.Fatal(err)
	}
	unA() // the old instance's unregister must not remove the new one
	if n, _ := countSeries(reg, "genesys_notifications_events_total"); n != 2 {
		t.Fatalf("series after replacement = %d", n)
	}
}

func countSeries(reg *prometheus.Registry, name string) (int, error) {
	mfs, err := reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() == name {
			return len(mf.GetMetric()), err
		}
	}
	return 0, err
}
