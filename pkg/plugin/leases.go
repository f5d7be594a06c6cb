package plugin

import (
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// leases keep the topics of recent queries subscribed for a while after the query, so
// alert rules keep evaluating on fresh history with no dashboard open. One goroutine,
// owned by the instance, releases expired leases; Close stops it and releases all.
type leases struct {
	up    upstream
	clock clockwork.Clock

	mu      sync.Mutex
	byKey   map[string]*lease
	closed  bool
	wake    chan struct{}
	done    chan struct{}
	stopped chan struct{}
}

type lease struct {
	release func()
	until   time.Time
}

// maxLeases bounds how many distinct topic sets stay subscribed by leases.
const maxLeases = 1000

func newLeases(up upstream, clock clockwork.Clock) *leases {
	l := &leases{up: up, clock: clock, byKey: map[string]*lease{}, wake: make(chan struct{}, 1),
		done: make(chan struct{}), stopped: make(chan struct{})}
	go l.run()
	return l
}

// Renew acquires topics under key (once) and keeps them until now+d; each call moves
// the deadline. Returns false when the lease table is full or closed.
func (l *leases) Renew(key string, topics []string, d time.Duration) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	until := l.clock.Now().Add(d)
	if ls, ok := l.byKey[key]; ok {
		if until.After(ls.until) {
			ls.until = until
		}
		return true
	}
	if len(l.byKey) >= maxLeases {
		return false
	}
	l.byKey[key] = &lease{release: l.up.Acquire(topics...), until: until}
	select {
	case l.wake <- struct{}{}:
	default:
	}
	return true
}

// Len is the number of live leases.
func (l *leases) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.byKey)
}

func (l *leases) run() {
	defer close(l.stopped)
	for {
		wait, ok := l.expire()
		var timer clockwork.Timer
		var fire <-chan time.Time
		if ok {
			timer = l.clock.NewTimer(wait)
			fire = timer.Chan()
		}
		select {
		case <-l.done:
			if timer != nil {
				timer.Stop()
			}
			return
		case <-l.wake:
		case <-fire:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// expire releases leases past their deadline and returns the wait until the next one.
func (l *leases) expire() (time.Duration, bool) {
	l.mu.Lock()
	now := l.clock.Now()
	var gone []func()
	var next time.Time
	for k, ls := range l.byKey {
		if !now.Before(ls.until) {
			gone = append(gone, ls.release)
			delete(l.byKey, k)
		} else if next.IsZero() || ls.until.Before(next) {
			next = ls.until
		}
	}
	l.mu.Unlock()
	for _, release := range gone {
		release()
	}
	if next.IsZero() {
		return 0, false
	}
	return next.Sub(now), true
}

// Close stops the goroutine and releases every lease.
func (l *leases) Close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	all := l.byKey
	l.byKey = map[string]*lease{}
	l.mu.Unlock()
	close(l.done)
	<-l.stopped
	for _, ls := range all {
		ls.release()
	}
}
