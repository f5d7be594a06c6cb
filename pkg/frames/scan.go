package frames

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// scanner reads JSON straight from a byte slice, without the per-token allocations
// of json.Decoder.Token. It validates the grammar as encoding/json does.
type scanner struct {
	data []byte
	pos  int
}

// maxSkipNesting mirrors encoding/json's nesting limit for values it keeps raw.
const maxSkipNesting = 10000

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: "+format, append([]any{s.pos}, args...)...)
}

func (s *scanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek skips whitespace and returns the next byte, 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.pos < len(s.data) {
		return s.data[s.pos]
	}
	return 0
}

// expect consumes c after optional whitespace.
func (s *scanner) expect(c byte) error {
	if s.peek() != c {
		return s.errorf("expected %q", c)
	}
	s.pos++
	return nil
}

// rawString consumes a string literal (s.pos at its quote) and returns its content
// bytes and whether it can be used as is (no escapes, valid UTF-8).
func (s *scanner) rawString() (content []byte, plain bool, err error) {
	start := s.pos + 1
	plain = true
	d := s.data
	for i := start; i < len(d); i++ {
		c := d[i]
		if !stringSpecial[c] {
			continue
		}
		switch {
		case c == '"':
			s.pos = i + 1
			return d[start:i], plain, nil
		case c == '\\':
			plain = false
			i++
			if i >= len(d) {
				return nil, false, s.errorf("unterminated string")
			}
			switch d[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(d) || !isHex4(d[i+1:i+5]) {
					return nil, false, s.errorf("invalid \\u escape")
				}
				i += 4
			default:
				return nil, false, s.errorf("invalid escape in string")
			}
		case c < 0x20:
			return nil, false, s.errorf("control character in string")
		default: // non-ASCII: checked as UTF-8 by the caller
			plain = false
		}
	}
	return nil, false, s.errorf("unterminated string")
}

// stringSpecial marks the bytes rawString must look at; the rest are copied as is.
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

// str consumes a string literal and returns its value, decoded exactly as
// encoding/json does (escapes, surrogates, invalid UTF-8 replaced).
func (s *scanner) str() (string, error) {
	start := s.pos
	content, plain, err := s.rawString()
	if err != nil {
		return "", err
	}
	if plain || utf8.Valid(content) && !hasBackslash(content) {
		return string(content), nil
	}
	var out string
	if err := json.Unmarshal(s.data[start:s.pos], &out); err != nil {
		return "", err
	}
	return out, nil
}

func hasBackslash(b []byte) bool {
	for _, c := range b {
		if c == '\\' {
			return true
		}
	}
	return false
}

// number consumes a JSON number and returns its literal bytes.
func (s *scanner) number() ([]byte, error) {
	d, i := s.data, s.pos
	start := i
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		i = digits(d, i)
	default:
		return nil, s.errorf("invalid number")
	}
	if i < len(d) && d[i] == '.' {
		j := digits(d, i+1)
		if j == i+1 {
			return nil, s.errorf("invalid number")
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
			return nil, s.errorf("invalid number")
		}
		i = j
	}
	s.pos = i
	return d[start:i], nil
}

func digits(d []byte, i int) int {
	for i < len(d) && '0' <= d[i] && d[i] <= '9' {
		i++
	}
	return i
}

// parseFloat converts a number literal without copying it; on error the message
// holds a copy, never the caller's buffer.
func parseFloat(lit []byte) (float64, error) {
	f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(lit), len(lit)), 64)
	if err != nil {
		_, err = strconv.ParseFloat(string(lit), 64)
	}
	return f, err
}

// literal consumes true, false or null.
func (s *scanner) literal(word string) error {
	if len(s.data)-s.pos < len(word) || string(s.data[s.pos:s.pos+len(word)]) != word {
		return s.errorf("invalid literal")
	}
	s.pos += len(word)
	return nil
}

// skipValue consumes one value (after optional whitespace) and returns its bytes.
// It keeps a stack of the open containers' closers instead of recursing.
func (s *scanner) skipValue() ([]byte, error) {
	s.ws()
	start := s.pos
	var closersBuf [32]byte
	closers := closersBuf[:0]
	for {
		switch c := s.peek(); {
		case c == '{' || c == '[':
			s.pos++
			if len(closers)+1 > maxSkipNesting {
				return nil, s.errorf("exceeded max depth")
			}
			closer := byte('}')
			if c == '[' {
				closer = ']'
			}
			if s.peek() == closer {
				s.pos++
				break
			}
			closers = append(closers, closer)
			if c == '{' {
				if err := s.key(); err != nil {
					return nil, err
				}
			}
			continue
		case c == '"':
			if _, _, err := s.rawString(); err != nil {
				return nil, err
			}
		case c == '-' || '0' <= c && c <= '9':
			if _, err := s.number(); err != nil {
				return nil, err
			}
		case c == 't' || c == 'f' || c == 'n':
			if err := s.literal(literals[c]); err != nil {
				return nil, err
			}
		default:
			return nil, s.errorf("invalid character looking for beginning of value")
		}
		// After a value: close finished containers, or step past ',' to the next.
	next:
		for {
			if len(closers) == 0 {
				return s.data[start:s.pos], nil
			}
			top := closers[len(closers)-1]
			switch s.peek() {
			case ',':
				s.pos++
				if top == '}' {
					if err := s.key(); err != nil {
						return nil, err
					}
				}
				break next
			case top:
				s.pos++
				closers = closers[:len(closers)-1]
			default:
				return nil, s.errorf("expected ',' or %q", top)
			}
		}
	}
}

var literals = [256]string{'t': "true", 'f': "false", 'n': "null"}

// key consumes `"name":` inside an object.
func (s *scanner) key() error {
	if s.peek() != '"' {
		return s.errorf("expected object key")
	}
	if _, _, err := s.rawString(); err != nil {
		return err
	}
	return s.expect(':')
}
