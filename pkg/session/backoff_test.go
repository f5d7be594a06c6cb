package session

import (
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// maxRand always draws the top of the range, exposing the exponential ceiling.
type maxRand struct{}

func (maxRand) Int63n(n int64) int64 { return n - 1 }

func offlineConfig(t *testing.T) Config {
	t.Helper()
	src, err := auth.New(auth.Config{Mode: auth.ModeStaticToken, StaticToken: "x"})
	if err != nil {
		t.Fatal(err)
	}
	api, err := genesys.New("http://127.0.0.1:1", nil)
	if err != nil {
		t.Fatal(err)
	}
	return Config{Auth: src, API: api, Sink: &recSink{}, Rand: maxRand{}, BackoffBase: time.Second, BackoffCap: 10 * time.Second}
}

// The ceiling is 0.4 of the time failing so far, between base and cap; the wait is
// drawn from the ceiling's top third.
func TestBackoffFollowsTimeFailing(t *testing.T) {
	for _, tc := range []struct {
		name string
		rand Rand
	}{{"top", maxRand{}}, {"bottom", zeroRand{}}} {
		t.Run(tc.name, func(t *testing.T) {
			clock := clockwork.NewFakeClockAt(epoch)
			cfg := offlineConfig(t)
			cfg.Clock, cfg.Rand, cfg.BackoffCap = clock, tc.rand, 120*time.Second
			m, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, step := range []struct{ failingFor, ceil time.Duration }{
				{0, time.Second}, // the base
				{time.Second, time.Second},
				{20 * time.Second, 8 * time.Second},
				{100 * time.Second, 40 * time.Second},
				{10 * time.Minute, 120 * time.Second}, // the cap
			} {
				clock.Advance(step.failingFor - clock.Since(epoch))
				got := m.backoffLocked()
				want := step.ceil
				if tc.name == "bottom" {
					want = time.Duration(float64(step.ceil) * backoffFloor)
				}
				if got != want {
					t.Errorf("failing for %s: wait %s, want %s", step.failingFor, got, want)
				}
			}
			if m.attempt != 5 {
				t.Errorf("attempt = %d", m.attempt)
			}
		})
	}
}

// Only the time down counts: a failure 40 s into a healthy period (less than
// HealthyAfter, so the same run of failures) after a 20 s outage waits for 0.4·20 s, not
// 0.4·60 s; the run's down periods add up while it lasts.
func TestBackoffCountsDowntimeNotUptime(t *testing.T) {
	clock := clockwork.NewFakeClockAt(epoch)
	cfg := offlineConfig(t)
	cfg.Clock, cfg.BackoffCap = clock, 120*time.Second // maxRand: the wait is the ceiling
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m.backoffLocked() // the outage begins
	clock.Advance(20 * time.Second)
	m.upLocked(clock.Now()) // it ends: 20 s down
	clock.Advance(40 * time.Second)
	if got := m.backoffLocked(); got != 8*time.Second {
		t.Fatalf("after 20 s down and 40 s up: wait %s, want 8s", got)
	}
	clock.Advance(10 * time.Second) // still down: 30 s in all
	if got := m.backoffLocked(); got != 12*time.Second {
		t.Fatalf("after 30 s down in all: wait %s, want 12s", got)
	}
	m.upLocked(clock.Now())
	m.attempt = 0 // HealthyAfter of health (succeed): the next failure starts afresh
	clock.Advance(time.Hour)
	if got := m.backoffLocked(); got != time.Second {
		t.Fatalf("a new run of failures: wait %s, want the base 1s", got)
	}
}

// The two figures the rule is for, over 200 seeds of the rule alone: the retry after a
// 20 s outage comes within 8 s of its end, and an hour of failures costs at most 60.
func TestBackoffScheduleBounds(t *testing.T) {
	for seed := int64(1); seed <= 200; seed++ {
		clock := clockwork.NewFakeClockAt(epoch)
		cfg := offlineConfig(t)
		cfg.Clock, cfg.Rand, cfg.BackoffCap = clock, rand.New(rand.NewSource(seed)), 120*time.Second
		m, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		attempts, recovered := 0, time.Duration(-1)
		for clock.Since(epoch) < time.Hour {
			clock.Advance(m.backoffLocked())
			if recovered < 0 && clock.Since(epoch) >= 20*time.Second {
				recovered = clock.Since(epoch) - 20*time.Second
			}
			attempts++
		}
		if recovered > 8*time.Second || attempts > 60 {
			t.Fatalf("seed %d: retry %s after a 20 s outage, %d attempts in an hour", seed, recovered, attempts)
		}
	}
}

type zeroRand struct{}

func (zeroRand) Int63n(int64) int64 { return 0 }

func TestConfigValidation(t *testing.T) {
	tests := []struct {
		mod  func(*Config)
		want string
	}{
		{func(c *Config) { c.Sink = nil }, "missing [Sink]"},
		{func(c *Config) { c.Auth, c.API = nil, nil }, "missing [Auth API]"},
		{func(c *Config) { c.MaxTopicsPerChannel = 1001 }, "at most 1000 topics"},
		{func(c *Config) { c.BackoffCap = time.Millisecond }, "backoff cap"},
	}
	for _, tc := range tests {
		cfg := offlineConfig(t)
		tc.mod(&cfg)
		if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New = %v, want %q", err, tc.want)
		}
	}
}

// "Connect, drop at once" must not loop fast: the attempt counter keeps growing until
// a connection stays healthy for HealthyAfter, and after repeated drops the channel
// is checked and replaced.
func TestDropAtOnceBackoffAndHealthyReset(t *testing.T) {
	h := newHarness(t, simulator.Config{}, func(c *Config, _ *auth.Config) { c.HealthyAfter = 2 * time.Minute })
	h.start(topicA)
	h.sim.DropUpgrades(4)
	h.sim.DropAllSockets()
	h.advanceUntil("recovery", time.Second, 10*time.Minute, func() bool {
		return h.sim.Count("upgrade") >= 2 && h.allConnected() && h.m.Status().OpenGaps == 0
	})
	if n := h.sim.Count("upgrade_dropped"); n != 4 {
		t.Fatalf("upgrade_dropped = %d", n)
	}
	if a := h.m.Status().Attempt; a < 4 {
		t.Fatalf("attempt = %d after 5 failures in a row", a)
	}
	if n := h.sim.Count("channel_create"); n > 2 {
		t.Fatalf("channel_create = %d", n)
	}
	h.advanceUntil("healthy period", 10*time.Second, 5*time.Minute, func() bool { return h.m.Status().Attempt == 0 })
	h.publishSeen(topicA)
}
