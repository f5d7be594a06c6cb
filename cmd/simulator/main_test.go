package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestSecondsFlag(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{{"300", 300 * time.Second, true}, {"1.5", 1500 * time.Millisecond, true}, {"5m", 5 * time.Minute, true}, {"soon", 0, false}}
	for _, tc := range tests {
		var d time.Duration
		err := seconds{&d}.Set(tc.in)
		if (err == nil) != tc.ok || d != tc.want {
			t.Errorf("Set(%q) = %v, %v", tc.in, d, err)
		}
	}
}

func TestForbidFlag(t *testing.T) {
	f := forbid{}
	if err := f.Set("v2.users.{id}.Presence=a:b:view,c:d:view"); err != nil {
		t.Fatal(err)
	}
	if got := f["v2.users.{id}.presence"]; len(got) != 2 || got[1] != "c:d:view" {
		t.Errorf("forbid %v", f)
	}
	for _, bad := range []string{"nopermissions", "=x", "v2.x="} {
		if err := f.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}

func TestBadFlagsFail(t *testing.T) {
	ctx := context.Background()
	if err := run(ctx, []string{"-token-lifetime", "soon"}, io.Discard, nil); err == nil {
		t.Fatal("bad duration accepted")
	}
	if err := run(ctx, []string{"-addr", "256.0.0.1:0", "-quiet"}, io.Discard, nil); err == nil {
		t.Fatal("bad address accepted")
	}
}

func TestServesAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	var logs strings.Builder
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-client-secret", "top-secret", "-token-lifetime", "300",
			"-mean-on-queue", "90s", "-mean-break", "1m"},
			&syncWriter{w: &logs}, func(a string) { addrc <- a })
	}()
	addr := <-addrc
	req, _ := http.NewRequest("POST", "http://"+addr+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth("sim-client", "top-secret")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"expires_in":300`) {
		t.Fatalf("token: %d %s", res.StatusCode, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	out := logs.String()
	if !strings.Contains(out, "simulator listening") || !strings.Contains(out, "sim token") {
		t.Errorf("log:\n%s", out)
	}
	if strings.Contains(out, "top-secret") {
		t.Error("the log shows the client secret")
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
