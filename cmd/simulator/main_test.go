package main

import (
	"io"
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
	if err := run([]string{"-token-lifetime", "soon"}, io.Discard); err == nil {
		t.Fatal("bad duration accepted")
	}
	if err := run([]string{"-addr", "256.0.0.1:0", "-quiet"}, io.Discard); err == nil {
		t.Fatal("bad address accepted")
	}
}
