// Command simulator serves the Genesys Cloud Notification API simulator standalone:
//
//	go run ./cmd/simulator -addr 127.0.0.1:8080
//
// See docs/simulator.md for the flags and the /_sim control endpoints.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "simulator:", err)
		os.Exit(2)
	}
}

// seconds is a duration flag that also takes plain seconds ("300").
type seconds struct{ d *time.Duration }

func (s seconds) String() string {
	if s.d == nil {
		return ""
	}
	return s.d.String()
}

func (s seconds) Set(v string) error {
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		*s.d = time.Duration(n * float64(time.Second))
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is neither seconds nor a duration like 90s or 5m", v)
	}
	*s.d = d
	return nil
}

// forbid collects -forbid pattern=perm1,perm2 flags.
type forbid map[string][]string

func (f forbid) String() string { return fmt.Sprint(map[string][]string(f)) }

func (f forbid) Set(v string) error {
	pattern, perms, ok := strings.Cut(v, "=")
	if !ok || pattern == "" || perms == "" {
		return fmt.Errorf("%q: want topic-pattern=permission[,permission], e.g. v2.users.{id}.presence=presence:userPresence:view", v)
	}
	f[strings.ToLower(pattern)] = strings.Split(perms, ",")
	return nil
}

// run serves until ctx ends; ready, when set, gets the listening address.
func run(ctx context.Context, args []string, logOut io.Writer, ready func(addr string)) error {
	fs := flag.NewFlagSet("simulator", flag.ContinueOnError)
	cfg := simulator.Config{Forbidden: forbid{}}
	gen := simulator.GeneratorConfig{}
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (keep it on loopback: /_sim is unauthenticated)")
	fs.StringVar(&cfg.ClientID, "client-id", "sim-client", "accepted OAuth client id")
	fs.StringVar(&cfg.ClientSecret, "client-secret", "", "accepted OAuth client secret (default sim-secret; or env SIM_CLIENT_SECRET)")
	fs.Var(seconds{&cfg.TokenLifetime}, "token-lifetime", "token lifetime (expires_in), seconds or duration (default 86399)")
	fs.BoolVar(&cfg.JWTTokens, "jwt", false, "issue JWT access tokens carrying exp instead of opaque ones")
	fs.Var(seconds{&cfg.ChannelLifetime}, "channel-lifetime", "channel lifetime (default 24h)")
	fs.IntVar(&cfg.MaxChannels, "max-channels", 20, "channels per OAuth client before LRU eviction")
	fs.Var(seconds{&cfg.HeartbeatInterval}, "heartbeat", "heartbeat interval (default 30s)")
	fs.Var(seconds{&cfg.SocketClosingGrace}, "socket-closing-grace", "time between socket_closing and the close (default 60s)")
	fs.Var(forbid(cfg.Forbidden), "forbid", "topic-pattern=permission[,permission]: topics the client may not subscribe (repeatable)")
	fs.BoolVar(&cfg.DropStaleUpgrades, "drop-stale-upgrades", false, "accept then drop (1006) upgrades of channels whose token expired, instead of 401")
	fs.BoolVar(&cfg.ShareChannels, "share-channels", false, "let any token of the client use any of its channels over REST")
	fs.IntVar(&cfg.RateLimitPerMinute, "rate-limit", 0, "/api/v2 requests per token per minute before 429 (Genesys: about 300; 0 = off)")
	fs.IntVar(&cfg.Queues, "queues", 5, "simulated queues")
	fs.IntVar(&cfg.Agents, "agents", 20, "simulated agents")
	fs.Int64Var(&cfg.Seed, "seed", 1, "seed of the population and the traffic")
	fs.Float64Var(&gen.Rate, "rate", 0.2, "conversations arriving per second over all queues (0 = no generator)")
	fs.Var(seconds{&gen.MeanHandle}, "mean-handle", "mean talk time (default 2m)")
	fs.Var(seconds{&gen.MeanOnQueue}, "mean-on-queue", "mean time on queue before an agent's next break, meal, meeting, ... falls due (default 4m)")
	fs.Var(seconds{&gen.MeanBreak}, "mean-break", "mean length of a short break; meals and training last longer (default 2m)")
	quiet := fs.Bool("quiet", false, "do not log client actions")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = os.Getenv("SIM_CLIENT_SECRET")
	}
	level := slog.LevelInfo
	if *quiet {
		level = slog.LevelWarn
	}
	cfg.Logger = slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level}))

	sim := simulator.New(cfg)
	defer sim.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	if gen.Rate > 0 {
		sim.StartGenerator(ctx, gen)
	}
	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	cfg.Logger.Warn("simulator listening", "url", "http://"+ln.Addr().String(), "clientId", cfg.ClientID,
		"queues", cfg.Queues, "agents", cfg.Agents, "seed", cfg.Seed, "rate", gen.Rate)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
	case <-ctx.Done():
	}
	sim.Close() // closes sockets (hijacked connections are not the http.Server's)
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
