package session

import (
	"strings"
	"testing"
	"time"

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

func TestBackoffExponentialCappedFullJitter(t *testing.T) {
	m, err := New(offlineConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	var got []time.Duration
	for i := 0; i < 6; i++ {
		got = append(got, m.backoffLocked())
	}
	want := []time.Duration{1, 2, 4, 8, 10, 10}
	for i := range want {
		if got[i] != want[i]*time.Second {
			t.Fatalf("ceilings = %v, want %v seconds", got, want)
		}
	}
	cfg := offlineConfig(t)
	cfg.Rand = zeroRand{}
	m2, _ := New(cfg)
	if d := m2.backoffLocked(); d != 0 {
		t.Fatalf("full jitter must reach 0, got %s", d)
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
