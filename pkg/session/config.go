// Package session keeps one data source's connection to the Genesys Cloud Notification
// API alive: channels, sockets, subscriptions, heartbeat watchdog, backoff, gaps and
// token checks before every handshake. See docs/architecture.md for the contract.
package session

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"net/http"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
)

// Sink receives what the session sees; implemented by the hub. Calls are serialised
// (never two at once), must not block and must not call back into the Manager
// (Acquire, release, Status) from inside the call.
type Sink interface {
	Event(event.Event)
	Gap(event.Gap)
	TopicStatus(event.TopicStatus)
	Rejected(event.Rejected) // an event left out: its body is not valid JSON
}

// TokenSource is what the manager needs from pkg/auth (an *auth.Source).
type TokenSource interface {
	Token(ctx context.Context) (auth.Token, error)
	Invalidate(value string)
	Margin() time.Duration
	Stats() (fetches, failures int64)
}

// Rand is the jitter source; *math/rand.Rand satisfies it.
type Rand interface{ Int63n(n int64) int64 }

// Config configures a Manager. Zero durations take the defaults noted.
type Config struct {
	Name       string          // data source uid: metrics label and log context
	Auth       TokenSource     // required
	API        *genesys.Client // required: REST client for the upstream
	HTTPClient *http.Client    // used for socket dialling limits only (HandshakeTimeout); may be nil
	Clock      clockwork.Clock
	Rand       Rand
	Sink       Sink // required
	Logger     log.Logger

	ChannelBudget       int           // default 3
	MaxTopicsPerChannel int           // default 1000
	BackoffBase         time.Duration // default 1s
	BackoffCap          time.Duration // default 120s
	AuthFailureBackoff  time.Duration // default 5m
	ShortTokenInterval  time.Duration // at most one new channel per this while tokens live < 2 min; default 5m
	HealthyAfter        time.Duration // default 60s
	HeartbeatInterval   time.Duration // default 30s; watchdog pings after 2 periods of silence
	PongTimeout         time.Duration // default 10s
	MaxMessageBytes     int           // default 1 MiB; larger messages are skipped and counted
	ExtendBefore        time.Duration // re-PUT this long before a channel expires; default 1h
	DrainPeriod         time.Duration // keep a replaced socket open this long, then send it a close frame; default 5s
	DrainTimeout        time.Duration // after the close frame, wait this long for its reader to catch up; default 30s
	HandshakeTimeout    time.Duration // socket upgrade timeout (real time); default 15s
	DedupeSize          int           // correlation ids remembered; default 8192

	// Eviction by other holders of the OAuth client (evict.go). ClientID only names the
	// client in messages (it is no secret); empty for a static token.
	ClientID           string
	EvictionThreshold  int           // evictions in an hour from which the manager warns and paces replacements; default 3
	EvictionBackoff    time.Duration // the first paced replacement's hold, doubling; default 30s
	EvictionBackoffCap time.Duration // default 5m
}

func (c *Config) fill() error {
	var missing []string
	if c.Auth == nil {
		missing = append(missing, "Auth")
	}
	if c.API == nil {
		missing = append(missing, "API")
	}
	if c.Sink == nil {
		missing = append(missing, "Sink")
	}
	if len(missing) > 0 {
		return fmt.Errorf("session config: missing %v", missing)
	}
	if c.Clock == nil {
		c.Clock = clockwork.NewRealClock()
	}
	if c.Rand == nil {
		c.Rand = &lockedRand{r: rand.New(rand.NewSource(time.Now().UnixNano()))}
	}
	if c.Logger == nil {
		c.Logger = log.DefaultLogger
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.BackoffBase, time.Second)
	def(&c.BackoffCap, 120*time.Second)
	def(&c.AuthFailureBackoff, 5*time.Minute)
	def(&c.ShortTokenInterval, 5*time.Minute)
	def(&c.HealthyAfter, time.Minute)
	def(&c.HeartbeatInterval, 30*time.Second)
	def(&c.PongTimeout, 10*time.Second)
	def(&c.ExtendBefore, time.Hour)
	def(&c.DrainPeriod, 5*time.Second)
	def(&c.DrainTimeout, 30*time.Second)
	def(&c.HandshakeTimeout, 15*time.Second)
	def(&c.EvictionBackoff, 30*time.Second)
	def(&c.EvictionBackoffCap, 5*time.Minute)
	if c.EvictionThreshold <= 0 {
		c.EvictionThreshold = 3
	}
	if c.EvictionBackoffCap < c.EvictionBackoff {
		return errors.New("session config: eviction backoff cap must not be below the eviction backoff")
	}
	if c.ChannelBudget <= 0 {
		c.ChannelBudget = 3
	}
	if c.MaxTopicsPerChannel <= 0 {
		c.MaxTopicsPerChannel = maxTopicsPerChannel
	}
	if c.MaxTopicsPerChannel > maxTopicsPerChannel {
		return fmt.Errorf("session config: at most %d topics fit on a channel (Genesys' limit), got %d", maxTopicsPerChannel, c.MaxTopicsPerChannel)
	}
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = 1 << 20
	}
	if c.DedupeSize <= 0 {
		c.DedupeSize = 8192
	}
	if c.BackoffCap < c.BackoffBase {
		return errors.New("session config: backoff cap must not be below the backoff base")
	}
	return nil
}

// maxTopicsPerChannel is Genesys' limit: a PUT with more topics fails with 400.
const maxTopicsPerChannel = 1000

// lockedRand makes a math/rand source safe for concurrent use.
type lockedRand struct {
	mu sync.Mutex
	r  *rand.Rand
}

func (l *lockedRand) Int63n(n int64) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Int63n(n)
}
