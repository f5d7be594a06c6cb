package frames

import (
	"sync"
	"sync/atomic"
)

// maxInterned bounds the name table: bodies keyed by ids would otherwise grow it
// for ever; names past the bound are simply allocated each time.
const maxInterned = 4096

// internTable shares the strings of field names across events: every event of a
// topic repeats the same paths, and the lookup by bytes does not allocate.
//
// Every live stream looks names up for every cell, from its own goroutine, so the
// known names are read without a lock: an immutable map behind an atomic pointer (a
// read-write mutex cost two atomic adds per cell, ≈ 5 % of building an observation
// frame, and its counter bounces between cores). New names wait in a locked map
// until there are enough of them to be worth a copy of the read map (amortised O(1)
// per name, never a copy per name).
type internTable struct {
	read  atomic.Pointer[map[string]string]
	mu    sync.Mutex
	dirty map[string]string // names not yet in read; guarded by mu
}

func (t *internTable) get(b []byte) string {
	if r := t.read.Load(); r != nil {
		if s, ok := (*r)[string(b)]; ok { // no allocation for the lookup
			return s
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.read.Load()
	known := len(t.dirty)
	if r != nil {
		known += len(*r)
		if s, ok := (*r)[string(b)]; ok { // promoted since the lock-free look
			return s
		}
	}
	if s, ok := t.dirty[string(b)]; ok {
		return s
	}
	s := string(b)
	if known >= maxInterned {
		return s
	}
	if t.dirty == nil {
		t.dirty = map[string]string{}
	}
	t.dirty[s] = s
	if r == nil || len(t.dirty) > len(*r)/4 {
		next := make(map[string]string, known+1)
		if r != nil {
			for k, v := range *r {
				next[k] = v
			}
		}
		for k, v := range t.dirty {
			next[k] = v
		}
		t.read.Store(&next)
		t.dirty = nil
	}
	return s
}

var fieldNames internTable
