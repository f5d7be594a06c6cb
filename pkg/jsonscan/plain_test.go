package jsonscan

import (
	"math"
	"math/rand"
	"strconv"
	"testing"
)

// TestPlainEndMatchesTable: the word-at-a-time scans stop exactly where a byte-by-byte
// look through the tables stops, for every byte value at every offset of a word and on
// random text dense in the bytes they look for (where spurious high flags appear).
func TestPlainEndMatchesTable(t *testing.T) {
	naive := func(table *[256]bool, d []byte, i int) int {
		for ; i < len(d) && !table[d[i]]; i++ {
		}
		return i
	}
	check := func(d []byte, i int) {
		t.Helper()
		if got, want := plainEnd(d, i), naive(&stringStop, d, i); got != want {
			t.Fatalf("plainEnd(% x, %d) = %d, want %d", d, i, got, want)
		}
		if got, want := asciiEnd(d, i), naive(&stringSpecial, d, i); got != want {
			t.Fatalf("asciiEnd(% x, %d) = %d, want %d", d, i, got, want)
		}
	}
	for c := 0; c < 256; c++ {
		for at := 0; at < 20; at++ {
			d := []byte("abcdefghijklmnopqrstuvwxyz")[:20]
			d = append([]byte(nil), d...)
			d[at] = byte(c)
			for start := 0; start <= at; start++ {
				check(d, start)
			}
		}
	}
	interesting := []byte{0, 0x01, 0x1f, 0x20, 0x21, '"', '#', '\\', ']', 0x7f, 0x80, 0xff, 'a'}
	rng := rand.New(rand.NewSource(1))
	for n := 0; n < 20000; n++ {
		d := make([]byte, rng.Intn(40))
		for i := range d {
			if rng.Intn(3) == 0 {
				d[i] = interesting[rng.Intn(len(interesting))]
			} else {
				d[i] = byte(rng.Intn(256))
			}
		}
		check(d, rng.Intn(len(d)+1))
	}
}

// TestParseFloatMatchesStrconv: the direct path for short integers gives strconv's
// result, sign of zero included, and everything else still goes to strconv.
func TestParseFloatMatchesStrconv(t *testing.T) {
	lits := []string{"0", "-0", "7", "-7", "42", "1764378000000", "-1764378000000", "999999999999999",
		"-999999999999999", "1000000000000000", "9007199254740993", "12345678901234567890", "1.5", "-0.0",
		"1e3", "00", "-", "", "1-2", "0x10", "+1"}
	rng := rand.New(rand.NewSource(2))
	for i := 0; i < 10000; i++ {
		lits = append(lits, strconv.FormatInt(rng.Int63n(1<<53)-1<<52, 10))
	}
	for _, lit := range lits {
		got, gotErr := ParseFloat([]byte(lit))
		want, wantErr := strconv.ParseFloat(lit, 64)
		if (gotErr == nil) != (wantErr == nil) || got != want || math.Signbit(got) != math.Signbit(want) {
			t.Fatalf("ParseFloat(%q) = %v, %v; strconv %v, %v", lit, got, gotErr, want, wantErr)
		}
	}
}
