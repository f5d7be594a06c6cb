package event

import (
	"testing"
	"time"
)

func TestKeyMatchesCaseInsensitively(t *testing.T) {
	a := Key("v2.users.ABC.routingStatus")
	b := Key("v2.users.abc.routingstatus")
	if a != b {
		t.Fatalf("Key(%q) = %q, Key(%q) = %q; want equal", "v2.users.ABC.routingStatus", a, "v2.users.abc.routingstatus", b)
	}
}

func TestGapOpen(t *testing.T) {
	g := Gap{Topic: "t", Start: time.Unix(10, 0)}
	if !g.Open() {
		t.Fatal("gap without End should be open")
	}
	g.End = time.Unix(20, 0)
	if g.Open() {
		t.Fatal("gap with End should be closed")
	}
}
