package frames

import "sync"

// maxInterned bounds the name table: bodies keyed by ids would otherwise grow it
// for ever; names past the bound are simply allocated each time.
const maxInterned = 4096

// internTable shares the strings of field names across events: every event of a
// topic repeats the same paths, and the lookup by bytes does not allocate.
type internTable struct {
	mu sync.RWMutex
	m  map[string]string
}

var fieldNames = internTable{m: map[string]string{}}

func (t *internTable) get(b []byte) string {
	t.mu.RLock()
	s, ok := t.m[string(b)]
	t.mu.RUnlock()
	if ok {
		return s
	}
	s = string(b)
	t.mu.Lock()
	if len(t.m) < maxInterned {
		t.m[s] = s
	}
	t.mu.Unlock()
	return s
}
