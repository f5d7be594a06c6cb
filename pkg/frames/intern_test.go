package frames

import (
	"strconv"
	"testing"
)

func TestInternIsBoundedAndExact(t *testing.T) {
	tab := internTable{m: map[string]string{}}
	for i := 0; i < maxInterned+100; i++ {
		b := []byte("path." + strconv.Itoa(i))
		if got := tab.get(b); got != string(b) {
			t.Fatalf("get(%s) = %s", b, got)
		}
	}
	if len(tab.m) != maxInterned {
		t.Fatalf("table holds %d names, bound %d", len(tab.m), maxInterned)
	}
	b := []byte("path.1")
	s := tab.get(b)
	b[0] = 'X' // the caller's buffer changing must not change the interned name
	if s != "path.1" || tab.get([]byte("path.1")) != "path.1" {
		t.Fatalf("interned name changed with its source buffer: %q", s)
	}
}
