// Package restbudget shares one REST request budget between the plugin's background
// callers (the name directory and the state refill), so together they stay well under
// Genesys' per-token rate limit (about 300 requests a minute) and all of them stop when
// the service answers 429 until its Retry-After has passed.
package restbudget

import (
	"context"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Defaults of Config: 120 requests a minute, in bursts of 20, leaves the service's
// 300 a minute mostly to the connection manager, the query editor and other
// applications using the same OAuth client.
const (
	DefaultPerMinute = 120
	DefaultBurst     = 20
)

// Config of a Budget; zero values take the defaults.
type Config struct {
	PerMinute int
	Burst     int
	Clock     clockwork.Clock
}

// Budget is a token bucket with a hold: safe for concurrent use.
type Budget struct {
	clock    clockwork.Clock
	interval time.Duration // one token is added per interval
	burst    float64

	mu     sync.Mutex
	tokens float64
	filled time.Time // when tokens was last brought up to date
	hold   time.Time // no request before this (a 429's Retry-After)
}

// New returns a full budget.
func New(cfg Config) *Budget {
	if cfg.PerMinute <= 0 {
		cfg.PerMinute = DefaultPerMinute
	}
	if cfg.Burst <= 0 {
		cfg.Burst = DefaultBurst
	}
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	return &Budget{clock: cfg.Clock, interval: time.Minute / time.Duration(cfg.PerMinute),
		burst: float64(cfg.Burst), tokens: float64(cfg.Burst), filled: cfg.Clock.Now()}
}

// Wait takes one request from the budget, waiting (on the budget's clock) for a token
// or for a hold to pass; it returns ctx's error if ctx ends first.
func (b *Budget) Wait(ctx context.Context) error {
	for {
		d := b.take()
		if d <= 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-b.clock.After(d):
		}
	}
}

// take takes a token if one is there and no hold is on (0), or says how long to wait.
func (b *Budget) take() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.clock.Now()
	if now.Before(b.hold) {
		return b.hold.Sub(now)
	}
	if gained := float64(now.Sub(b.filled)) / float64(b.interval); gained > 0 {
		b.tokens = min(b.burst, b.tokens+gained)
		b.filled = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(b.interval))
}

// Hold stops every caller for d (a 429's Retry-After); a longer hold already on stays.
func (b *Budget) Hold(d time.Duration) {
	if d <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if until := b.clock.Now().Add(d); until.After(b.hold) {
		b.hold = until
	}
}

// HeldUntil is the end of the current hold (zero or past when none).
func (b *Budget) HeldUntil() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.hold
}
