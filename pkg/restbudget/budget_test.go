package restbudget

import (
	"context"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

func TestBurstThenRate(t *testing.T) {
	clock := clockwork.NewFakeClock()
	b := New(Config{PerMinute: 60, Burst: 3, Clock: clock})
	for i := 0; i < 3; i++ {
		if d := b.take(); d != 0 {
			t.Fatalf("request %d of the burst waits %s", i, d)
		}
	}
	if d := b.take(); d != time.Second {
		t.Fatalf("after the burst: wait %s, want 1s (60 a minute)", d)
	}
	clock.Advance(time.Second)
	if d := b.take(); d != 0 {
		t.Fatalf("a second later: wait %s", d)
	}
	clock.Advance(time.Hour)
	for i := 0; i < 3; i++ {
		if d := b.take(); d != 0 {
			t.Fatalf("an idle hour refills only the burst: request %d waits %s", i, d)
		}
	}
	if d := b.take(); d <= 0 {
		t.Fatal("the bucket holds more than its burst")
	}
}

func TestHoldStopsEveryCaller(t *testing.T) {
	clock := clockwork.NewFakeClock()
	b := New(Config{Clock: clock})
	b.Hold(5 * time.Second)
	b.Hold(time.Second) // a shorter hold does not cut the longer one
	if d := b.take(); d != 5*time.Second {
		t.Fatalf("held: wait %s, want 5s", d)
	}
	done := make(chan error, 1)
	go func() { done <- b.Wait(context.Background()) }()
	if err := clock.BlockUntilContext(ctxTimeout(t), 1); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
		t.Fatal("Wait returned during the hold")
	default:
	}
	clock.Advance(5 * time.Second)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestWaitEndsWithContext(t *testing.T) {
	clock := clockwork.NewFakeClock()
	b := New(Config{Clock: clock})
	b.Hold(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.Wait(ctx); err == nil {
		t.Fatal("Wait ignored its context")
	}
}

func ctxTimeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
