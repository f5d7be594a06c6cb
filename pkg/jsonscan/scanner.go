// Package jsonscan is the project's one JSON tokenizer: it reads JSON straight from a
// byte slice, without the per-token allocations of json.Decoder.Token, validating the
// grammar exactly as encoding/json does. The session's envelope decoder and the frames
// extractors use it; whatever it cannot read exactly like json.Unmarshal (escaped or
// case-variant keys, duplicates, unexpected types) they hand to encoding/json.
//
// A Scanner reports errors with their offset; a Walker reads objects and arrays member
// by member for the fast paths and answers only ok or not ok.
package jsonscan

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// Scanner reads one JSON text. Data is the text, Pos the offset of the next byte.
type Scanner struct {
	Data []byte
	Pos  int
}

// MaxNesting mirrors encoding/json's nesting limit for the values SkipValue skips.
const MaxNesting = 10000

// Errorf reports a problem at the current offset.
func (s *Scanner) Errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: "+format, append([]any{s.Pos}, args...)...)
}

func (s *Scanner) ws() { s.Pos = skipWS(s.Data, s.Pos) }

// skipWS returns the index of the first non-whitespace byte of d at or after i.
func skipWS(d []byte, i int) int {
	for i < len(d) {
		switch d[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// Peek skips whitespace and returns the next byte, 0 at the end.
func (s *Scanner) Peek() byte {
	s.ws()
	if s.Pos < len(s.Data) {
		return s.Data[s.Pos]
	}
	return 0
}

// AtEnd skips whitespace and reports whether nothing follows.
func (s *Scanner) AtEnd() bool {
	s.ws()
	return s.Pos == len(s.Data)
}

// Expect consumes c after optional whitespace.
func (s *Scanner) Expect(c byte) error {
	if s.Peek() != c {
		return s.Errorf("expected %q", c)
	}
	s.Pos++
	return nil
}

// RawString consumes a string literal (Pos at its quote) and returns its content bytes
// and whether they can be used as is (no escapes, ASCII only).
func (s *Scanner) RawString() (content []byte, plain bool, err error) {
	start := s.Pos + 1
	plain = true
	d := s.Data
	for i := start; ; i++ {
		if i = asciiEnd(d, i); i >= len(d) {
			break
		}
		c := d[i]
		switch {
		case c == '"':
			s.Pos = i + 1
			return d[start:i], plain, nil
		case c == '\\':
			plain = false
			i++
			if i >= len(d) {
				return nil, false, s.Errorf("unterminated string")
			}
			switch d[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(d) || !isHex4(d[i+1:i+5]) {
					return nil, false, s.Errorf("invalid \\u escape")
				}
				i += 4
			default:
				return nil, false, s.Errorf("invalid escape in string")
			}
		case c < 0x20:
			return nil, false, s.Errorf("control character in string")
		default: // non-ASCII: the caller checks it as UTF-8 if it uses the bytes
			plain = false
		}
	}
	return nil, false, s.Errorf("unterminated string")
}

// stringSpecial marks the bytes RawString must look at; the rest are taken as they are.
var stringSpecial = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf
	}
	return t
}()

func isHex4(b []byte) bool {
	for _, c := range b[:4] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// Bytes consumes a string literal and returns its value as encoding/json decodes it
// (escapes, surrogates, invalid UTF-8 replaced). The result aliases Data when the
// literal needs no decoding, else it is a fresh copy.
func (s *Scanner) Bytes() ([]byte, error) {
	start := s.Pos
	content, plain, err := s.RawString()
	if err != nil {
		return nil, err
	}
	if plain || utf8.Valid(content) && !hasBackslash(content) {
		return content, nil
	}
	var out string
	if err := json.Unmarshal(s.Data[start:s.Pos], &out); err != nil {
		return nil, err
	}
	return []byte(out), nil
}

func hasBackslash(b []byte) bool {
	for _, c := range b {
		if c == '\\' {
			return true
		}
	}
	return false
}

// Number consumes a JSON number and returns its literal bytes.
func (s *Scanner) Number() ([]byte, error) {
	end, ok := numberEnd(s.Data, s.Pos)
	if !ok {
		return nil, s.Errorf("invalid number")
	}
	lit := s.Data[s.Pos:end]
	s.Pos = end
	return lit, nil
}

// numberEnd returns the end of the number -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
// starting at i, and false if there is none.
func numberEnd(d []byte, i int) (int, bool) {
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		i = digits(d, i)
	default:
		return i, false
	}
	if i < len(d) && d[i] == '.' {
		j := digits(d, i+1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		j := digits(d, i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}

func digits(d []byte, i int) int {
	for i < len(d) && '0' <= d[i] && d[i] <= '9' {
		i++
	}
	return i
}

// ParseFloat converts a number literal without copying it; on error the message holds
// a copy, never the caller's buffer. Integers of up to 15 digits, most numbers of a
// notification (counts, durations in ms, epoch ms), are converted directly: every such
// integer is exact in a float64, so the result is strconv's, at a fraction of its cost.
func ParseFloat(lit []byte) (float64, error) {
	if f, ok := smallInt(lit); ok {
		return f, nil
	}
	f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(lit), len(lit)), 64)
	if err != nil {
		_, err = strconv.ParseFloat(string(lit), 64)
	}
	return f, err
}

// smallInt converts -?[0-9]{1,15}; false for anything else.
func smallInt(lit []byte) (float64, bool) {
	digits := lit
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if len(digits) < len(lit) {
		if n == 0 {
			return math.Copysign(0, -1), true // "-0" is negative zero, as strconv says
		}
		n = -n
	}
	return float64(n), true
}

// Literal consumes true, false or null, whichever the next byte starts.
func (s *Scanner) Literal() error {
	word := literals[s.Peek()]
	if word == "" || len(s.Data)-s.Pos < len(word) || string(s.Data[s.Pos:s.Pos+len(word)]) != word {
		return s.Errorf("invalid literal")
	}
	s.Pos += len(word)
	return nil
}

var literals = [256]string{'t': "true", 'f': "false", 'n': "null"}
