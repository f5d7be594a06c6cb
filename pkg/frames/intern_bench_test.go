package frames

import (
	"strconv"
	"testing"
)

// BenchmarkInternParallel looks up the names of an observation body from every core,
// as concurrent live streams do.
func BenchmarkInternParallel(b *testing.B) {
	var names [][]byte
	for i := 0; i < 30; i++ {
		names = append(names, []byte("tHandle.voice."+strconv.Itoa(i)+".sum"))
	}
	for _, n := range names {
		fieldNames.get(n)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			fieldNames.get(names[i%len(names)])
			i++
		}
	})
}
