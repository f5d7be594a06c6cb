package jsonscan

// SkipValue consumes one value (after optional whitespace), validating it as
// encoding/json does, and returns its bytes. It is the hot path of every body the
// fast paths do not read field by field (the session skips whole event bodies), so it
// works on a local index and keeps a stack of the open containers' closers instead of
// recursing.
func (s *Scanner) SkipValue() ([]byte, error) { return s.SkipNested(0) }

// SkipNested is SkipValue for a value inside open containers already open: nesting
// counts from there, so a text is refused exactly when encoding/json refuses it
// (MaxNesting open containers at most).
func (s *Scanner) SkipNested(open int) ([]byte, error) {
	d := s.Data
	i := skipWS(d, s.Pos)
	start := i
	var closersBuf [32]byte
	closers := closersBuf[:0]
	fail := func(at int, msg string) ([]byte, error) {
		s.Pos = at
		return nil, s.Errorf("%s", msg)
	}
	for {
		if i >= len(d) {
			return fail(i, "invalid character looking for beginning of value")
		}
		switch c := d[i]; {
		case c == '{' || c == '[':
			if open+len(closers)+1 > MaxNesting {
				return fail(i+1, "exceeded max depth")
			}
			closer := byte('}')
			if c == '[' {
				closer = ']'
			}
			i = skipWS(d, i+1)
			if i < len(d) && d[i] == closer {
				i++
				break
			}
			closers = append(closers, closer)
			if c == '{' {
				var msg string
				if i, msg = keyEnd(d, i); msg != "" {
					return fail(i, msg)
				}
				i = skipWS(d, i)
			}
			continue
		case c == '"':
			end, msg := stringEnd(d, i)
			if msg != "" {
				return fail(i, msg)
			}
			i = end
		case c == '-' || '0' <= c && c <= '9':
			end, ok := numberEnd(d, i)
			if !ok {
				return fail(i, "invalid number")
			}
			i = end
		case c == 't' || c == 'f' || c == 'n':
			word := literals[c]
			if len(d)-i < len(word) || string(d[i:i+len(word)]) != word {
				return fail(i, "invalid literal")
			}
			i += len(word)
		default:
			return fail(i, "invalid character looking for beginning of value")
		}
		// After a value: close finished containers, or step past ',' to the next value.
	next:
		for {
			if len(closers) == 0 {
				s.Pos = i
				return d[start:i], nil
			}
			top := closers[len(closers)-1]
			i = skipWS(d, i)
			switch {
			case i < len(d) && d[i] == ',':
				i = skipWS(d, i+1)
				if top == '}' {
					var msg string
					if i, msg = keyEnd(d, i); msg != "" {
						return fail(i, msg)
					}
					i = skipWS(d, i)
				}
				break next
			case i < len(d) && d[i] == top:
				i++
				closers = closers[:len(closers)-1]
			default:
				return fail(i, "expected ',' or '"+string(top)+"'")
			}
		}
	}
}

// keyEnd reads `"name":` at i (inside an object) and returns the index after the
// colon, or where it failed and why.
func keyEnd(d []byte, i int) (int, string) {
	if i >= len(d) || d[i] != '"' {
		return i, "expected object key"
	}
	end, msg := stringEnd(d, i)
	if msg != "" {
		return i, msg
	}
	end = skipWS(d, end)
	if end >= len(d) || d[end] != ':' {
		return end, "expected ':'"
	}
	return end + 1, ""
}

// stringEnd returns the index after the string literal whose quote is at i, or why it
// is not one. Bytes ≥ 0x80 need no look when a value is only skipped (encoding/json
// accepts any bytes there, replacing invalid UTF-8).
func stringEnd(d []byte, i int) (int, string) {
	for i++; ; i++ {
		if i = plainEnd(d, i); i >= len(d) {
			break
		}
		c := d[i]
		if c == '"' {
			return i + 1, ""
		}
		if c < 0x20 {
			return i, "control character in string"
		}
		i++ // after a backslash
		if i >= len(d) {
			break
		}
		switch d[i] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		case 'u':
			if i+4 >= len(d) || !isHex4(d[i+1:i+5]) {
				return i, "invalid \\u escape"
			}
			i += 4
		default:
			return i, "invalid escape in string"
		}
	}
	return i, "unterminated string"
}

// stringStop marks the bytes stringEnd must look at.
var stringStop = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()
