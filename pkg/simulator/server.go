// Package simulator serves a faithful, fault-injectable imitation of the Genesys Cloud
// Notification API (OAuth, channels, subscriptions, topics, entities, the WebSocket) so that
// tests, benchmarks and the demo run without Genesys Cloud. See docs/simulator.md.
package simulator

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator/generator"
)

// Config tunes the simulator. The zero value is usable: defaults are filled by New.
type Config struct {
	ClientID, ClientSecret string              // defaults "sim-client" / "sim-secret"
	TokenLifetime          time.Duration       // expires_in; default 86399s
	JWTTokens              bool                // issue HS256 JWTs carrying exp instead of opaque tokens
	ChannelLifetime        time.Duration       // default 24h
	MaxChannels            int                 // per OAuth client; default 20 (LRU eviction, unconnected first)
	MaxTopicsPerChannel    int                 // default 1000 (more -> 400)
	HeartbeatInterval      time.Duration       // default 30s, driven by Clock
	SocketClosingGrace     time.Duration       // default 60s
	Forbidden              map[string][]string // topic pattern (lower-case, {id} wildcard) -> missing permissions
	Queues, Agents         int                 // generator population (defaults 5 / 20)
	Seed                   int64
	Clock                  clockwork.Clock // default real clock
	MaxMessageBytes        int             // informational: the service's frame limit, default 64 KiB

	// Additions beyond the contract.
	SocketQueue        int          // per-socket write queue bound, default 4096 messages
	DropStaleUpgrades  bool         // stale-token upgrades: accept then 1006 (the seed's symptom) instead of 401
	ShareChannels      bool         // any valid token of the owning client may use a channel's REST endpoints
	Logger             *slog.Logger // one line per client action, never secrets; nil = silent
	MaxRecords         int          // records kept (oldest dropped), default 100000
	RateLimitPerMinute int          // /api/v2 requests per token per minute before 429 (Genesys: about 300); 0 = off
}

func (c *Config) fill() {
	if c.ClientID == "" {
		c.ClientID = "sim-client"
	}
	if c.ClientSecret == "" {
		c.ClientSecret = "sim-secret"
	}
	if c.TokenLifetime <= 0 {
		c.TokenLifetime = 86399 * time.Second
	}
	if c.ChannelLifetime <= 0 {
		c.ChannelLifetime = 24 * time.Hour
	}
	if c.MaxChannels <= 0 {
		c.MaxChannels = 20
	}
	if c.MaxTopicsPerChannel <= 0 {
		c.MaxTopicsPerChannel = 1000
	}
	if c.HeartbeatInterval <= 0 {
		c.HeartbeatInterval = 30 * time.Second
	}
	if c.SocketClosingGrace <= 0 {
		c.SocketClosingGrace = 60 * time.Second
	}
	if c.Queues <= 0 {
		c.Queues = 5
	}
	if c.Agents <= 0 {
		c.Agents = 20
	}
	if c.Clock == nil {
		c.Clock = clockwork.NewRealClock()
	}
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = 64 << 10
	}
	if c.SocketQueue <= 0 {
		c.SocketQueue = 4096
	}
	if c.MaxRecords <= 0 {
		c.MaxRecords = 100000
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Server is one simulated Genesys Cloud organisation. Safe for concurrent use.
//
// Clock waiters (for clockwork.FakeClock.BlockUntil): while open the Server holds exactly
// one ticker on Clock (heartbeats + channel expiry sweep); each pending SendSocketClosing
// and each request held by an HTTPFault.Delay adds one timer until it fires; a running
// generator adds one ticker.
type Server struct {
	cfg    Config
	clock  clockwork.Clock
	log    *slog.Logger
	alerts alertSink // what the demo's alert contact point sent (/_sim/alerts)

	mu             sync.Mutex
	clientID       string
	secret         string
	tokens         map[string]*token // by token value
	forbiddenOrder []string          // Config.Forbidden's patterns, sorted
	channels       map[string]*channel

	faults  faultState
	rate    rateLimiter
	rec     recorder
	pop     generator.Population
	model   *generator.Model
	genMu   sync.Mutex
	genStop func()
	genCfg  GeneratorConfig // of the running generator (zero Rate: none runs)

	heartbeats, pongs atomic.Bool
	dropAfter         atomic.Int64
	dropUpgrades      atomic.Int64
	ticks             atomic.Int64
	genSteps          atomic.Int64
	timers            map[int]clockwork.Timer // pending socket_closing closes, stopped by Close
	timerSeq          int
	// dropEpoch counts DropAllSockets calls (under mu): a socket whose upgrade began before
	// a drop and registers after it is dropped at registration, not left open and silent.
	dropEpoch uint64
	// upgradeHook (tests only) runs after an upgrade was admitted, before the socket is
	// registered and its 101 written.
	upgradeHook atomic.Pointer[func()]

	upgrader  websocket.Upgrader
	handler   http.Handler
	ts        *httptest.Server
	closeOnce sync.Once
	closed    chan struct{}
	wg        sync.WaitGroup
}

// New builds a server and starts its heartbeat ticker; serve it with Handler (or use
// NewTestServer) and stop it with Close.
func New(cfg Config) *Server {
	cfg.fill()
	s := &Server{
		cfg: cfg, clock: cfg.Clock, log: cfg.Logger,
		clientID: cfg.ClientID, secret: cfg.ClientSecret,
		tokens: map[string]*token{}, channels: map[string]*channel{}, timers: map[int]clockwork.Timer{},
		closed: make(chan struct{}),
	}
	s.rec.max = cfg.MaxRecords
	for p := range cfg.Forbidden {
		s.forbiddenOrder = append(s.forbiddenOrder, p)
	}
	sort.Strings(s.forbiddenOrder) // the first matching pattern answers, the same every run
	s.heartbeats.Store(true)
	s.pongs.Store(true)
	s.pop = generator.NewPopulation(cfg.Seed, cfg.Queues, cfg.Agents)
	s.model = generator.NewModel(s.pop, cfg.Seed, generator.Config{}, s.clock.Now())
	s.upgrader = websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		CheckOrigin:      func(*http.Request) bool { return true },
	}
	s.handler = s.routes()
	ticker := s.clock.NewTicker(s.cfg.HeartbeatInterval) // created here so New returns with it in place
	s.wg.Add(1)
	go s.tickLoop(ticker)
	return s
}

// NewTestServer serves a new simulator on a loopback httptest server closed by t.Cleanup.
func NewTestServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	s := New(cfg)
	s.ts = httptest.NewServer(s.Handler())
	t.Cleanup(s.Close)
	return s
}

// Handler serves everything: /oauth/token, /api/v2/..., /channels/{id}, /_sim/...
func (s *Server) Handler() http.Handler { return s.handler }

// URL is the base URL of the test server ("" when served by the caller's own listener).
func (s *Server) URL() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL
}

// Close stops the generator, closes every socket, the ticker and the test server; idempotent.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.stopGenerator()
		s.mu.Lock()
		close(s.closed)
		for _, ch := range s.channels {
			if ch.sock != nil {
				ch.sock.abort()
			}
		}
		timers := s.timers
		s.timers = nil
		s.mu.Unlock()
		for _, t := range timers {
			t.Stop()
		}
		if s.ts != nil {
			s.ts.Close()
		}
		s.wg.Wait()
	})
}

// tickLoop sends heartbeats and sweeps expired channels every HeartbeatInterval of Clock.
func (s *Server) tickLoop(t clockwork.Ticker) {
	defer s.wg.Done()
	defer t.Stop()
	hb := []byte(`{"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}}`)
	for {
		select {
		case <-s.closed:
			return
		case <-t.Chan():
		}
		s.sweepExpired()
		if s.heartbeats.Load() {
			for _, sk := range s.sockets() {
				sk.enqueue(hb)
			}
		}
		s.ticks.Add(1)
	}
}

// Ticks is how many heartbeat ticks the server has handled (heartbeats queued, expired
// channels swept). After advancing a fake clock, wait for it to grow before asserting.
func (s *Server) Ticks() int64 { return s.ticks.Load() }
