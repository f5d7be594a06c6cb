// Package names keeps the display names of queues and users, so frames can label
// series "Support" rather than a queue id. It pages through the same REST lookups the
// query editor uses (GET /api/v2/routing/queues and /api/v2/users) in the background,
// on a timer, and answers lookups from memory: a frame never waits on the network.
package names

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
)

// Defaults of Config.
const (
	DefaultEvery       = 15 * time.Minute // names change rarely; a full pass costs a request per page
	DefaultRetry       = time.Minute      // after a failed pass
	DefaultTimeout     = 2 * time.Minute  // one whole pass (every page of both kinds)
	DefaultMaxEntries  = 10000            // per kind: bounds memory and the pages of a pass
	DefaultIdleAfter   = 15 * time.Minute // no lookup for this long: stop listing until the next one
	DefaultPageSize    = 100              // the editor's page bound; both endpoints accept it
	DefaultBackSpacing = 10 * time.Second // a failed pass and the one ServiceBack brings forward
)

// Lister is the paged REST lookup (the plugin's token-holding catalog).
type Lister interface {
	Queues(ctx context.Context, name string, page, pageSize int) (genesys.Page, error)
	Users(ctx context.Context, page, pageSize int) (genesys.Page, error)
}

// Logger receives one warning per failed pass.
type Logger interface {
	Warn(msg string, args ...any)
}

// Config of a Directory; zero values take the defaults.
type Config struct {
	List       Lister
	Clock      clockwork.Clock
	Log        Logger
	Every      time.Duration
	Retry      time.Duration
	Timeout    time.Duration
	MaxEntries int
	PageSize   int
	// IdleAfter pauses the refreshes of a directory nobody has looked a name up in
	// for that long (an unused data source, or one deleted in Grafana, whose instance
	// the SDK keeps until the plugin restarts): it would otherwise call the service
	// with its credentials every Every for ever. The next lookup refreshes at once.
	IdleAfter time.Duration
	// BackSpacing is the least time from a failed pass's start to the pass ServiceBack
	// brings forward.
	BackSpacing time.Duration
}

// Directory maps queue and user ids to names. Start begins the refresh loop; Close
// stops it and waits for it. Lookups are safe from any goroutine.
type Directory struct {
	cfg    Config
	mu     sync.RWMutex
	queues map[string]string
	users  map[string]string
	// when each map was last read whole (the answer's age when pickers fall back on it)
	queuesAt, usersAt time.Time
	ctx               context.Context
	cancel            context.CancelFunc
	loaded            chan struct{} // closed after the first pass, whatever its outcome
	done              chan struct{} // closed when the loop has returned
	start             sync.Once
	stop              sync.Once
	used              atomic.Bool   // a lookup since the loop last looked
	paused            atomic.Bool   // the loop waits for a lookup (wake) instead of its timer
	wake              chan struct{} // one pending wake-up at most
	back              chan struct{} // ServiceBack's signal: one pending at most
}

// New returns a Directory that knows no name until its first pass.
func New(cfg Config) (*Directory, error) {
	if cfg.List == nil {
		return nil, errors.New("names: no lister")
	}
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	cfg.Every = orDefault(cfg.Every, DefaultEvery)
	cfg.Retry = orDefault(cfg.Retry, DefaultRetry)
	cfg.Timeout = orDefault(cfg.Timeout, DefaultTimeout)
	cfg.MaxEntries = orDefault(cfg.MaxEntries, DefaultMaxEntries)
	cfg.PageSize = orDefault(cfg.PageSize, DefaultPageSize)
	cfg.IdleAfter = orDefault(cfg.IdleAfter, DefaultIdleAfter)
	cfg.BackSpacing = orDefault(cfg.BackSpacing, DefaultBackSpacing)
	ctx, cancel := context.WithCancel(context.Background())
	return &Directory{cfg: cfg, queues: map[string]string{}, users: map[string]string{},
		ctx: ctx, cancel: cancel, loaded: make(chan struct{}), done: make(chan struct{}),
		wake: make(chan struct{}, 1), back: make(chan struct{}, 1)}, nil
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Start runs the first pass at once, then one every Every (Retry after a failure).
func (d *Directory) Start() {
	d.start.Do(func() { go d.run() })
}

// Close stops the loop, cancelling a pass in flight, and waits for it to return.
func (d *Directory) Close() {
	d.stop.Do(func() {
		d.cancel()
		d.start.Do(func() { close(d.done) }) // never started: nothing to wait for
		<-d.done
	})
}

// Loaded is closed once the first pass has ended, successfully or not.
func (d *Directory) Loaded() <-chan struct{} { return d.loaded }

// QueueName is the name of queue id, if known.
func (d *Directory) QueueName(id string) (string, bool) { return d.lookup(&d.queues, id) }

// UserName is the name of user id, if known.
func (d *Directory) UserName(id string) (string, bool) { return d.lookup(&d.users, id) }

func (d *Directory) lookup(m *map[string]string, id string) (string, bool) {
	d.mu.RLock()
	name, ok := (*m)[id]
	d.mu.RUnlock()
	if !d.used.Load() { // a load, not a store, on the hot path: frames look names up per field
		d.used.Store(true)
	}
	if d.paused.Load() { // answered from memory; the refresh it starts serves the next lookups
		select {
		case d.wake <- struct{}{}:
		default:
		}
	}
	return name, ok
}

func (d *Directory) run() {
	defer close(d.done)
	first := true
	lastUse := d.cfg.Clock.Now()
	failures := 0
	for {
		began := d.cfg.Clock.Now()
		d.drainBack() // a signal from before this pass is answered by it
		err := d.Refresh(d.ctx)
		if first {
			close(d.loaded)
			first = false
		}
		wait := d.cfg.Every
		if err != nil {
			if d.ctx.Err() != nil {
				return
			}
			failures++
			wait = d.retryAfter(err, failures)
			if d.cfg.Log != nil {
				d.cfg.Log.Warn("Queue and user names could not be refreshed; labels show ids where no name is known", "error", err.Error(), "retryIn", wait.String())
			}
		}
		if !d.waitNext(wait, err, began) {
			return
		}
		if err == nil {
			failures = 0
		}
		if now := d.cfg.Clock.Now(); d.used.Swap(false) {
			lastUse = now
		} else if now.Sub(lastUse) >= d.cfg.IdleAfter && !d.sleep() {
			return
		}
	}
}

// ServiceBack says the service answers again (a topic's subscription was permitted).
// After failed passes the directory waits its backoff, up to Every: a replica started
// during an outage would label the wall screen with queue ids for up to 15 minutes
// after the service came back. Following a failed pass, ServiceBack brings the next
// pass forward to BackSpacing after the failed one began (a bound however often it is
// called), unless only 403s failed, which a retry will not cure, or the service asked
// for its own wait (Retry-After). It never blocks.
func (d *Directory) ServiceBack() {
	select {
	case d.back <- struct{}{}:
	default:
	}
}

func (d *Directory) drainBack() {
	select {
	case <-d.back:
	default:
	}
}

// waitNext waits wait for the next pass, or less after a failed pass when ServiceBack
// is called; false when the directory is closed first.
func (d *Directory) waitNext(wait time.Duration, err error, began time.Time) bool {
	var back <-chan struct{}
	if err != nil && !onlyForbidden(err) && genesys.RetryAfter(err) == 0 { // the service's own wait stands
		back = d.back
	}
	timer := d.cfg.Clock.NewTimer(wait)
	defer func() { timer.Stop() }() // a 15-minute timer would otherwise outlive the instance
	for {
		select {
		case <-d.ctx.Done():
			return false
		case <-timer.Chan():
			return true
		case <-back:
			back = nil // one per failed pass
			soon := max(began.Add(d.cfg.BackSpacing).Sub(d.cfg.Clock.Now()), 0)
			if soon < wait {
				timer.Stop()
				timer = d.cfg.Clock.NewTimer(soon)
			}
		}
	}
}

// sleep waits, without refreshing, for the next lookup; false when the directory is
// closed first.
func (d *Directory) sleep() bool {
	select {
	case <-d.wake: // left by a lookup as the last pause ended
	default:
	}
	d.paused.Store(true)
	defer d.paused.Store(false)
	if d.used.Load() { // a lookup between the check and the flag: it saw paused unset
		return true
	}
	select {
	case <-d.ctx.Done():
		return false
	case <-d.wake:
		return true
	}
}

// retryAfter is the wait after the n-th failed pass in a row: Retry doubling up to
// Every (a wrong secret or a long outage must not cost a call a minute for ever), or
// longer when the service asked for it (429/503 Retry-After), or Every when the only
// failures are 403s, which a retry will not cure (the client lacks the permission to
// list that kind).
func (d *Directory) retryAfter(err error, n int) time.Duration {
	if onlyForbidden(err) {
		return d.cfg.Every
	}
	wait := d.cfg.Retry
	for i := 1; i < n && wait < d.cfg.Every; i++ {
		wait *= 2
	}
	wait = min(wait, d.cfg.Every)
	var api *genesys.APIError
	if errors.As(err, &api) && api.RetryAfter > wait {
		wait = api.RetryAfter
	}
	return wait
}

func onlyForbidden(err error) bool {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if !errors.Is(e, genesys.ErrForbidden) {
				return false
			}
		}
		return true
	}
	return errors.Is(err, genesys.ErrForbidden)
}

// Refresh runs one pass over both kinds. Each kind's map is replaced only when all
// its pages were read, so a failed pass keeps the names of the last good one.
func (d *Directory) Refresh(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	qs, qerr := d.collect(ctx, func(page int) (genesys.Page, error) {
		return d.cfg.List.Queues(ctx, "", page, d.cfg.PageSize)
	})
	if qerr == nil {
		d.replace(&d.queues, qs, &d.queuesAt)
	}
	us, uerr := d.collect(ctx, func(page int) (genesys.Page, error) {
		return d.cfg.List.Users(ctx, page, d.cfg.PageSize)
	})
	if uerr == nil {
		d.replace(&d.users, us, &d.usersAt)
	}
	return errors.Join(wrap("queues", qerr), wrap("users", uerr))
}

func wrap(kind string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("list %s: %w", kind, err)
}

// collect reads pages until the last one or MaxEntries names, whichever comes first.
func (d *Directory) collect(ctx context.Context, list func(page int) (genesys.Page, error)) (map[string]string, error) {
	out := map[string]string{}
	maxPages := (d.cfg.MaxEntries + d.cfg.PageSize - 1) / d.cfg.PageSize
	for page := 1; page <= maxPages; page++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, err := list(page)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", page, err)
		}
		for _, e := range p.Entities {
			if e.ID != "" && e.Name != "" && len(out) < d.cfg.MaxEntries {
				out[e.ID] = e.Name
			}
		}
		if len(p.Entities) == 0 || page >= p.PageCount || len(out) >= d.cfg.MaxEntries {
			break
		}
	}
	return out, nil
}

func (d *Directory) replace(m *map[string]string, next map[string]string, at *time.Time) {
	d.mu.Lock()
	*m, *at = next, d.cfg.Clock.Now()
	d.mu.Unlock()
}

// Entities lists the held queues (kind "queues") or users whose name contains query
// (case-insensitively), sorted by name, and when that list was read from Genesys
// (zero: never). The pickers and variables fall back on it when Genesys cannot be
// reached, so a dashboard opened during an outage still has its queues.
func (d *Directory) Entities(kind, query string) ([]genesys.Entity, time.Time) {
	d.mu.RLock()
	m, at := d.users, d.usersAt
	if kind == "queues" {
		m, at = d.queues, d.queuesAt
	}
	q := strings.ToLower(query)
	out := make([]genesys.Entity, 0, len(m))
	for id, name := range m {
		if q == "" || strings.Contains(strings.ToLower(name), q) {
			out = append(out, genesys.Entity{ID: id, Name: name})
		}
	}
	d.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out, at
}
