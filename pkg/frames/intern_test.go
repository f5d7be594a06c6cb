package frames

import (
	"strconv"
	"testing"
	"unsafe"
)

// size is how many names the table holds.
func (t *internTable) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(t.dirty)
	if r := t.read.Load(); r != nil {
		n += len(*r)
	}
	return n
}

func TestInternIsBoundedAndExact(t *testing.T) {
	var tab internTable
	for i := 0; i < maxInterned+100; i++ {
		b := []byte("path." + strconv.Itoa(i))
		if got := tab.get(b); got != string(b) {
			t.Fatalf("get(%s) = %s", b, got)
		}
	}
	if n := tab.size(); n != maxInterned {
		t.Fatalf("table holds %d names, bound %d", n, maxInterned)
	}
	b := []byte("path.1")
	s := tab.get(b)
	b[0] = 'X' // the caller's buffer changing must not change the interned name
	if s != "path.1" || tab.get([]byte("path.1")) != "path.1" {
		t.Fatalf("interned name changed with its source buffer: %q", s)
	}
}

// TestInternSharesStrings: a name is one string however it was looked up (before or
// after its promotion to the lock-free map), from any number of goroutines.
func TestInternSharesStrings(t *testing.T) {
	var tab internTable
	first := map[string]string{}
	for i := 0; i < 200; i++ {
		name := "metric." + strconv.Itoa(i)
		first[name] = tab.get([]byte(name))
	}
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			ok := true
			for i := 0; i < 2000; i++ {
				name := "metric." + strconv.Itoa(i%300)
				s := tab.get([]byte(name))
				if s != name {
					ok = false
				}
				if want, seen := first[name]; seen && unsafe.StringData(s) != unsafe.StringData(want) {
					ok = false
				}
			}
			done <- ok
		}()
	}
	for g := 0; g < 4; g++ {
		if !<-done {
			t.Fatal("a lookup returned another string than the interned one")
		}
	}
}
