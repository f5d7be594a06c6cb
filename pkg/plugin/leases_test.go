package plugin

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// waitHeld waits (briefly, in real time) for the lease goroutine to react.
func waitHeld(t *testing.T, up *fakeUp, want string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for strings.Join(up.held(), ",") != want {
		if time.Now().After(deadline) {
			t.Fatalf("held %v, want %q", up.held(), want)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestLeasesRenewAndExpire(t *testing.T) {
	clock := clockwork.NewFakeClock()
	up := newFakeUp()
	l := newLeases(up, clock)
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()

	l.Renew("k", []string{"a", "b"}, 15*time.Minute)
	waitHeld(t, up, "a,b")
	if err := clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * time.Minute)
	l.Renew("k", []string{"a", "b"}, 15*time.Minute) // the rule evaluated again
	clock.Advance(10 * time.Minute)                  // 20 min after the first query, 10 after the renewal
	if err := clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	waitHeld(t, up, "a,b")
	if l.Len() != 1 {
		t.Fatalf("lease gone early")
	}
	clock.Advance(6 * time.Minute) // past the renewed deadline
	waitHeld(t, up, "")
	if l.Len() != 0 {
		t.Errorf("expired lease still listed")
	}
}

func TestLeasesCloseReleasesAll(t *testing.T) {
	clock := clockwork.NewFakeClock()
	up := newFakeUp()
	l := newLeases(up, clock)
	l.Renew("k1", []string{"a"}, time.Hour)
	l.Renew("k2", []string{"b"}, time.Hour)
	l.Close()
	if h := up.held(); len(h) != 0 {
		t.Errorf("Close left %v acquired", h)
	}
	if l.Renew("k3", []string{"c"}, time.Hour) {
		t.Errorf("Renew after Close succeeded")
	}
	l.Close() // idempotent
}
