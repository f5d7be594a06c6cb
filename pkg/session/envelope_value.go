package session

// value skips one JSON value, validating it as strictly as encoding/json does.
func (s *envScanner) value(depth int) {
	if !s.ok {
		return
	}
	if depth > maxScanDepth {
		s.ok = false
		return
	}
	switch c := s.peek(); {
	case c == '{':
		s.object(func([]byte) { s.value(depth + 1) })
	case c == '[':
		s.array(depth)
	case c == '"':
		s.str()
	case c == '-' || (c >= '0' && c <= '9'):
		s.number()
	case c == 't':
		s.literal("true")
	case c == 'f':
		s.literal("false")
	case c == 'n':
		s.literal("null")
	default:
		s.ok = false
	}
}

func (s *envScanner) array(depth int) {
	s.i++ // '['
	s.ws()
	if s.peek() == ']' {
		s.i++
		return
	}
	for s.ok {
		s.value(depth + 1)
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
			s.ws()
		case ']':
			s.i++
			return
		default:
			s.ok = false
		}
	}
}

// special marks the bytes a string scan must stop at: the quote, the backslash and
// control bytes (which JSON forbids unescaped).
var special = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// str skips a string with any valid escapes (bytes ≥ 0x80 pass, as in encoding/json)
// and returns its raw contents.
func (s *envScanner) str() []byte {
	if !s.ok || s.peek() != '"' {
		s.ok = false
		return nil
	}
	start := s.i + 1
	for j := start; j < len(s.b); j++ {
		if !special[s.b[j]] {
			continue
		}
		switch c := s.b[j]; {
		case c == '"':
			s.i = j + 1
			return s.b[start:j]
		case c < 0x20:
			s.ok = false
			return nil
		case c == '\\':
			j++
			if j >= len(s.b) {
				s.ok = false
				return nil
			}
			switch s.b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(s.b) || !isHex(s.b[j+1]) || !isHex(s.b[j+2]) || !isHex(s.b[j+3]) || !isHex(s.b[j+4]) {
					s.ok = false
					return nil
				}
				j += 4
			default:
				s.ok = false
				return nil
			}
		}
	}
	s.ok = false
	return nil
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// number skips -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *envScanner) number() {
	if s.peek() == '-' {
		s.i++
	}
	switch c := s.peek(); {
	case c == '0':
		s.i++
	case c >= '1' && c <= '9':
		s.digits()
	default:
		s.ok = false
		return
	}
	if s.peek() == '.' {
		s.i++
		if !s.digits() {
			s.ok = false
			return
		}
	}
	if c := s.peek(); c == 'e' || c == 'E' {
		s.i++
		if c := s.peek(); c == '+' || c == '-' {
			s.i++
		}
		if !s.digits() {
			s.ok = false
		}
	}
}

// digits skips [0-9]* and reports whether there was at least one.
func (s *envScanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

func (s *envScanner) literal(lit string) {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		s.ok = false
		return
	}
	s.i += len(lit)
}
