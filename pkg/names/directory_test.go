package names

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
)

// fakeLister serves queues and users from maps, paged, and can fail on demand.
type fakeLister struct {
	mu        sync.Mutex
	queues    []genesys.Entity
	users     []genesys.Entity
	failUsers error
	calls     int
	sizes     []int
}

func (f *fakeLister) page(all []genesys.Entity, page, size int) genesys.Page {
	from := min((page-1)*size, len(all))
	to := min(from+size, len(all))
	return genesys.Page{Entities: append([]genesys.Entity(nil), all[from:to]...), PageNumber: page, PageSize: size,
		PageCount: (len(all) + size - 1) / size, Total: len(all)}
}

func (f *fakeLister) Queues(_ context.Context, _ string, page, size int) (genesys.Page, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.sizes = append(f.sizes, size)
	return f.page(f.queues, page, size), nil
}

func (f *fakeLister) Users(_ context.Context, page, size int) (genesys.Page, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.failUsers != nil {
		return genesys.Page{}, f.failUsers
	}
	return f.page(f.users, page, size), nil
}

func (f *fakeLister) set(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn()
}

func entities(prefix string, n int) []genesys.Entity {
	out := make([]genesys.Entity, n)
	for i := range out {
		out[i] = genesys.Entity{ID: fmt.Sprintf("%s%d", prefix, i), Name: fmt.Sprintf("%s name %d", prefix, i)}
	}
	return out
}

type recLog struct {
	mu   sync.Mutex
	msgs []string
}

func (l *recLog) Warn(msg string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, fmt.Sprint(append([]any{msg}, args...)...))
}

func (l *recLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.msgs)
}

func TestRefreshReadsEveryPage(t *testing.T) {
	l := &fakeLister{queues: entities("q", 7), users: entities("u", 3)}
	d, err := New(Config{List: l, PageSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := d.QueueName("q0"); ok {
		t.Fatal("a name is known before any pass")
	}
	if err := d.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"q0", "q6"} {
		if name, ok := d.QueueName(id); !ok || name != "q name "+id[1:] {
			t.Errorf("QueueName(%s) = %q, %v", id, name, ok)
		}
	}
	if name, ok := d.UserName("u2"); !ok || name != "u name 2" {
		t.Errorf("UserName(u2) = %q, %v", name, ok)
	}
	if _, ok := d.QueueName("u2"); ok {
		t.Error("a user id resolved as a queue")
	}
	if l.calls != 3+1 { // queues: pages of 3, 3, 1; users: one page
		t.Errorf("%d list calls, want 4", l.calls)
	}
}

func TestMaxEntriesBoundsNamesAndPages(t *testing.T) {
	l := &fakeLister{queues: entities("q", 50)}
	d, _ := New(Config{List: l, PageSize: 4, MaxEntries: 10})
	if err := d.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	known := 0
	for i := range 50 {
		if _, ok := d.QueueName(fmt.Sprintf("q%d", i)); ok {
			known++
		}
	}
	if known != 10 {
		t.Errorf("%d queue names kept, want the bound 10", known)
	}
	if l.calls != 3+1 { // ceil(10/4) queue pages, one (empty) users page
		t.Errorf("%d list calls, want 4", l.calls)
	}
}

func TestFailedKindKeepsItsLastNames(t *testing.T) {
	l := &fakeLister{queues: entities("q", 2), users: entities("u", 2)}
	d, _ := New(Config{List: l})
	if err := d.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	l.set(func() {
		l.queues = []genesys.Entity{{ID: "q0", Name: "Renamed"}}
		l.failUsers = &genesys.APIError{Op: "list users", Status: 503}
	})
	err := d.Refresh(context.Background())
	if err == nil || !strings.Contains(err.Error(), "list users") {
		t.Fatalf("err = %v, want the users failure", err)
	}
	if name, _ := d.QueueName("q0"); name != "Renamed" {
		t.Errorf("queues were not refreshed although their pass succeeded: %q", name)
	}
	if _, ok := d.QueueName("q1"); ok {
		t.Error("a queue gone from the listing is still named")
	}
	if name, ok := d.UserName("u1"); !ok || name != "u name 1" {
		t.Errorf("users lost their names on a failed pass: %q %v", name, ok)
	}
}

func TestEntitiesWithoutNameAreSkipped(t *testing.T) {
	l := &fakeLister{queues: []genesys.Entity{{ID: "q0"}, {Name: "no id"}, {ID: "q1", Name: "One"}}}
	d, _ := New(Config{List: l})
	_ = d.Refresh(context.Background())
	if _, ok := d.QueueName("q0"); ok {
		t.Error("a queue without a name is named")
	}
	if name, _ := d.QueueName("q1"); name != "One" {
		t.Errorf("q1 = %q", name)
	}
}

// The loop refreshes on the fake clock: every Every after a good pass, every Retry
// after a failed one, and Close stops it.
func TestBackgroundRefreshOnFakeClock(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	clock := clockwork.NewFakeClock()
	l := &fakeLister{queues: []genesys.Entity{{ID: "q0", Name: "Support"}}}
	log := &recLog{}
	d, _ := New(Config{List: l, Clock: clock, Log: log, Every: 10 * time.Minute, Retry: time.Minute})
	d.Start()
	defer d.Close()
	select {
	case <-d.Loaded():
	case <-ctx.Done():
		t.Fatal("first pass never ended")
	}
	if name, _ := d.QueueName("q0"); name != "Support" {
		t.Fatalf("after the first pass q0 = %q", name)
	}
	// Waiting for the next pass:
	if err := clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	l.set(func() {
		l.queues = []genesys.Entity{{ID: "q0", Name: "Support EMEA"}}
		l.failUsers = errors.New("boom")
	})
	clock.Advance(10*time.Minute - time.Second)
	if name, _ := d.QueueName("q0"); name != "Support" {
		t.Fatalf("refreshed before Every: %q", name)
	}
	clock.Advance(time.Second)
	waitFor(ctx, t, func() bool { n, _ := d.QueueName("q0"); return n == "Support EMEA" })
	waitFor(ctx, t, func() bool { return log.count() == 1 })
	if err := clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// The failed users pass retries after Retry, not Every.
	l.set(func() { l.failUsers = nil; l.users = []genesys.Entity{{ID: "u0", Name: "Ann"}} })
	clock.Advance(time.Minute)
	waitFor(ctx, t, func() bool { n, _ := d.UserName("u0"); return n == "Ann" })
	d.Close()
	calls := l.calls
	clock.Advance(time.Hour)
	if l.calls != calls {
		t.Error("the loop kept listing after Close")
	}
}

func TestCloseWithoutStartAndTwice(t *testing.T) {
	d, _ := New(Config{List: &fakeLister{}})
	d.Close()
	d.Close()
	d.Start() // after Close: no loop
}

func TestNewNeedsLister(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Fatal("no error without a lister")
	}
}

// waitFor polls cond: the loop runs on its own goroutine after the fake clock fires.
func waitFor(ctx context.Context, t *testing.T, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatal("condition not reached")
		case <-time.After(time.Millisecond):
		}
	}
}

func TestRetryAfterFailure(t *testing.T) {
	d, _ := New(Config{List: &fakeLister{}, Every: 15 * time.Minute, Retry: time.Minute})
	forbidden := fmt.Errorf("list users: page 1: %w", &genesys.APIError{Op: "list users", Status: 403})
	limited := fmt.Errorf("list queues: page 3: %w", &genesys.APIError{Op: "list queues", Status: 429, RetryAfter: 5 * time.Minute})
	for _, c := range []struct {
		name string
		err  error
		want time.Duration
	}{
		{"transient", errors.New("connection reset"), time.Minute},
		{"rate limited waits as asked", errors.Join(limited), 5 * time.Minute},
		{"forbidden only waits a full period", errors.Join(forbidden), 15 * time.Minute},
		{"forbidden and transient retry soon", errors.Join(forbidden, errors.New("timeout")), time.Minute},
	} {
		if got := d.retryAfter(c.err, 1); got != c.want {
			t.Errorf("%s: wait %s, want %s", c.name, got, c.want)
		}
	}
	// Failures in a row double the wait up to a full period: a wrong secret or a long
	// outage costs a handful of calls an hour, not sixty.
	transient := errors.New("connection reset")
	for n, want := range map[int]time.Duration{2: 2 * time.Minute, 3: 4 * time.Minute, 4: 8 * time.Minute, 5: 15 * time.Minute, 40: 15 * time.Minute} {
		if got := d.retryAfter(transient, n); got != want {
			t.Errorf("failure %d in a row: wait %s, want %s", n, got, want)
		}
	}
}

// A directory nobody looks names up in stops listing after IdleAfter (an unused or
// deleted data source must not call the service every 15 minutes for ever), and the
// next lookup refreshes at once.
func TestIdleDirectoryPausesUntilTheNextLookup(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	clock := clockwork.NewFakeClock()
	l := &fakeLister{queues: []genesys.Entity{{ID: "q0", Name: "Support"}}}
	d, _ := New(Config{List: l, Clock: clock, Every: 10 * time.Minute, IdleAfter: 30 * time.Minute})
	d.Start()
	defer d.Close()
	<-d.Loaded()
	calls := func() int { l.mu.Lock(); defer l.mu.Unlock(); return l.calls }
	perPass := calls() // queues + users, one page each
	// Passes at 0, 10 and 20 min; at 30 min nobody has looked for 30 min: paused.
	for i := 0; i < 3; i++ {
		if err := clock.BlockUntilContext(ctx, 1); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		clock.Advance(10 * time.Minute)
		time.Sleep(5 * time.Millisecond)
	}
	waitFor(ctx, t, func() bool { return d.paused.Load() })
	if got := calls() / perPass; got != 3 {
		t.Fatalf("%d passes in 30 idle minutes with IdleAfter 30 min, want 3 (at 0, 10, 20)", got)
	}
	clock.Advance(5 * time.Hour)
	time.Sleep(5 * time.Millisecond)
	if got := calls() / perPass; got != 3 {
		t.Fatalf("%d passes after 5 more idle hours, want still 3", got)
	}
	l.set(func() { l.queues = []genesys.Entity{{ID: "q0", Name: "Support EMEA"}} })
	if name, _ := d.QueueName("q0"); name != "Support" { // answered from memory at once
		t.Fatalf("the waking lookup got %q", name)
	}
	waitFor(ctx, t, func() bool { n, _ := d.QueueName("q0"); return n == "Support EMEA" })
	// In use again: lookups every 10 minutes keep it refreshing.
	for i := 0; i < 6; i++ {
		if err := clock.BlockUntilContext(ctx, 1); err != nil {
			t.Fatal(err)
		}
		d.UserName("u0")
		clock.Advance(10 * time.Minute)
		time.Sleep(5 * time.Millisecond)
	}
	waitFor(ctx, t, func() bool { return calls()/perPass == 4+6 })
	if d.paused.Load() {
		t.Fatal("paused while names are looked up every 10 minutes")
	}
}

// A directory that failed through an outage waits up to Every between passes; when the
// service answers again (ServiceBack) the next pass comes BackSpacing after the failed
// one began, so a wall screen started during the outage shows names seconds after it
// ends. Without a failure, or when only 403s failed, ServiceBack changes nothing.
func TestServiceBackBringsTheRetryForward(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	clock := clockwork.NewFakeClock()
	l := &fakeLister{users: []genesys.Entity{{ID: "u0", Name: "Ann"}}, failUsers: errors.New("connection refused")}
	d, _ := New(Config{List: l, Clock: clock, Every: 15 * time.Minute, Retry: time.Minute, BackSpacing: 10 * time.Second})
	d.Start()
	defer d.Close()
	<-d.Loaded()
	calls := func() int { l.mu.Lock(); defer l.mu.Unlock(); return l.calls }
	// Four failed passes: the waits double to 8 minutes.
	for _, wait := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		if err := clock.BlockUntilContext(ctx, 1); err != nil {
			t.Fatal(err)
		}
		before := calls()
		clock.Advance(wait)
		waitFor(ctx, t, func() bool { return calls() > before })
	}
	if err := clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	l.set(func() { l.failUsers = nil })
	before := calls()
	for range 5 { // however often it is said, one pass
		d.ServiceBack()
	}
	waitFor(ctx, t, func() bool { return clock.BlockUntilContext(ctx, 1) == nil })
	clock.Advance(9 * time.Second)
	time.Sleep(5 * time.Millisecond)
	if calls() != before {
		t.Fatal("a pass within BackSpacing of the failed one")
	}
	clock.Advance(time.Second)
	waitFor(ctx, t, func() bool { n, _ := d.UserName("u0"); return n == "Ann" })
	// Good again: ServiceBack does not shorten the regular period.
	if err := clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	before = calls()
	d.ServiceBack()
	clock.Advance(14 * time.Minute)
	time.Sleep(5 * time.Millisecond)
	if calls() != before {
		t.Fatal("ServiceBack after a good pass brought the next one forward")
	}
}

func TestServiceBackLeavesForbiddenAndRetryAfterWaits(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
	}{
		{"forbidden", fmt.Errorf("list users: page 1: %w", &genesys.APIError{Op: "list users", Status: 403})},
		{"retry-after", fmt.Errorf("list users: page 1: %w", &genesys.APIError{Op: "list users", Status: 429, RetryAfter: 5 * time.Minute})},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			clock := clockwork.NewFakeClock()
			l := &fakeLister{failUsers: c.err}
			d, _ := New(Config{List: l, Clock: clock, Every: 15 * time.Minute, Retry: time.Minute, BackSpacing: 10 * time.Second})
			d.Start()
			defer d.Close()
			<-d.Loaded()
			if err := clock.BlockUntilContext(ctx, 1); err != nil {
				t.Fatal(err)
			}
			l.mu.Lock()
			before := l.calls
			l.mu.Unlock()
			d.ServiceBack()
			clock.Advance(4 * time.Minute)
			time.Sleep(5 * time.Millisecond)
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.calls != before {
				t.Fatalf("ServiceBack cut short the wait after %s", c.name)
			}
		})
	}
}
