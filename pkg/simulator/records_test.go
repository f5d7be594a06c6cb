package simulator

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestWaitCountAndRecordBound(t *testing.T) {
	s, _ := newSim(t, Config{MaxRecords: 10})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.WaitCount(ctx, "token", 2) }()
	getToken(t, s)
	getToken(t, s)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if err := s.WaitCount(short, "token", 3); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitCount past its context: %v", err)
	}
	for i := 0; i < 30; i++ {
		s.record(Record{Kind: "filler"})
	}
	if n := len(s.Records()); n > 10 {
		t.Errorf("%d records kept, bound is 10", n)
	}
	if s.Count("filler") != 30 || s.Count("token") != 2 {
		t.Errorf("counts outlive trimming: filler %d token %d", s.Count("filler"), s.Count("token"))
	}
	rec := s.Records()[len(s.Records())-1]
	if rec.Kind != "filler" || !rec.Time.Equal(testStart) {
		t.Errorf("last record %+v", rec)
	}
	s.ResetRecords()
	if s.Count("filler") != 0 || len(s.Records()) != 0 {
		t.Error("ResetRecords kept something")
	}
}
