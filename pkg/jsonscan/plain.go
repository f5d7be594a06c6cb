package jsonscan

import (
	"encoding/binary"
	"math/bits"
)

// Most of a notification's bytes are inside strings (ids, names, timestamps), and
// most string bytes need no look. plainEnd and asciiEnd step over them eight at a time
// (SWAR: one 64-bit word holds eight bytes, and a few arithmetic steps flag the bytes
// of interest in all of them at once); reading byte by byte through a table was the
// tokenizer's largest cost.

const (
	lows  = 0x0101010101010101 // 0x01 in every byte
	highs = 0x8080808080808080 // 0x80 in every byte
)

// stops flags, in the high bit of each byte of w, the bytes that are '"', '\\' or
// below 0x20. A flag above another may be spurious (a borrow carries upward), but the
// lowest flag is always exact, which is all the callers use.
func stops(w uint64) uint64 {
	q := w ^ (lows * '"')
	b := w ^ (lows * '\\')
	return ((q-lows)&^q | (b-lows)&^b | (w-lows*0x20)&^w) & highs
}

// plainEnd returns the index of the first byte at or after i that is '"', '\\' or a
// control character, or len(d).
func plainEnd(d []byte, i int) int {
	for ; i+8 <= len(d); i += 8 {
		if m := stops(binary.LittleEndian.Uint64(d[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(d) && !stringStop[d[i]]; i++ {
	}
	return i
}

// asciiEnd is plainEnd that also stops at bytes ≥ 0x80.
func asciiEnd(d []byte, i int) int {
	for ; i+8 <= len(d); i += 8 {
		w := binary.LittleEndian.Uint64(d[i:])
		if m := stops(w) | w&highs; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(d) && !stringSpecial[d[i]]; i++ {
	}
	return i
}
