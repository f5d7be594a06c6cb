package session

import (
	"strconv"
	"testing"
)

// The dedupe window is the last n distinct keys: a repeat within it is refused
// (without evicting anything or refreshing its own place), and a key n distinct keys
// old is accepted again.
func TestDedupeWindow(t *testing.T) {
	const n = 4
	d := newDedupe(n)
	key := func(i int) dedupeKey { return dedupeKey{topic: "t", id: strconv.Itoa(i)} }
	for i := 0; i < n; i++ {
		if !d.add(key(i)) {
			t.Fatalf("new key %d refused", i)
		}
	}
	for i := 0; i < n; i++ {
		if d.add(key(i)) {
			t.Fatalf("key %d accepted again inside the window", i)
		}
	}
	if d.add(dedupeKey{topic: "other", id: "0"}) != true {
		t.Fatal("the same id on another topic is not a duplicate")
	}
	// key 0 was the oldest: the new key evicted it, the repeats above did not.
	if !d.add(key(0)) {
		t.Fatal("key 0 is older than the window and must be accepted")
	}
	if d.add(key(3)) {
		t.Fatal("key 3 is still in the window")
	}
	if len(d.place) != n {
		t.Fatalf("the map holds %d keys, window %d", len(d.place), n)
	}
}

// A hash shared by two keys never makes a new key a duplicate: the key in the ring
// place is compared too. Force every key onto one hash by giving the map one entry
// that points at another key's place.
func TestDedupeHashIsOnlyACandidate(t *testing.T) {
	d := newDedupe(4)
	a := dedupeKey{topic: "t", id: "a"}
	b := dedupeKey{topic: "t", id: "b"}
	d.add(a)
	d.place[d.hash(b)] = d.place[d.ring[0].hash] // b's hash now leads to a's place, as a collision would
	if !d.add(b) {
		t.Fatal("a key whose hash leads to another key's place was refused")
	}
	if d.add(b) || d.add(a) {
		t.Fatal("repeats inside the window were accepted")
	}
}

// BenchmarkDedupe adds realistic keys (a topic and a correlation id) in a window of
// the default size, none repeated within it.
func BenchmarkDedupe(b *testing.B) {
	d := newDedupe(8192)
	topic := "v2.routing.queues.0b8c4b9e-2f0a-4c55-9d7e-4c3c9f6d1a11.conversations"
	ids := make([]string, 20000)
	for i := range ids {
		ids[i] = "5f0e8f0a-2a45-4c3d-9e0b-" + strconv.Itoa(100000000000+i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.add(dedupeKey{topic, ids[i%len(ids)]})
	}
}
