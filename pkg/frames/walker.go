package frames

import "bytes"

// walker reads objects and arrays member by member for the fast extractors. Any
// input it does not handle exactly like json.Unmarshal makes it fail, and the
// caller then decodes the body with encoding/json.
type walker struct {
	scanner
}

// fields walks an object's members; each key is passed exactly (plain keys only)
// and member must consume the value. A key that matches one of known only
// case-insensitively, or a known key seen twice, makes the walk fail.
func (o *walker) fields(known []string, member func(key []byte) bool) bool {
	if o.peek() != '{' {
		return false
	}
	o.pos++
	if o.peek() == '}' {
		o.pos++
		return true
	}
	var seen uint32
	for {
		if o.peek() != '"' {
			return false
		}
		key, plain, err := o.rawString()
		if err != nil || !plain || o.expect(':') != nil {
			return false
		}
		for i, k := range known {
			if bytes.EqualFold(key, []byte(k)) {
				if string(key) != k || seen&(1<<i) != 0 {
					return false
				}
				seen |= 1 << i
			}
		}
		if !member(key) {
			return false
		}
		switch o.peek() {
		case ',':
			o.pos++
		case '}':
			o.pos++
			return true
		default:
			return false
		}
	}
}

// elements walks an array, calling elem for each element.
func (o *walker) elements(elem func() bool) bool {
	if o.peek() != '[' {
		return false
	}
	o.pos++
	if o.peek() == ']' {
		o.pos++
		return true
	}
	for {
		if !elem() {
			return false
		}
		switch o.peek() {
		case ',':
			o.pos++
		case ']':
			o.pos++
			return true
		default:
			return false
		}
	}
}

func (o *walker) skip() bool {
	_, err := o.skipValue()
	return err == nil
}

// string reads a string value; non-strings (including null) fail.
func (o *walker) string() (string, bool) {
	if o.peek() != '"' {
		return "", false
	}
	s, err := o.str()
	return s, err == nil
}

// text reads a string value as bytes, copying only when it has escapes: plain
// ones alias the body and are used before observationsFast returns.
func (o *walker) text() ([]byte, bool) {
	if o.peek() != '"' {
		return nil, false
	}
	start := o.pos
	content, plain, err := o.rawString()
	if err != nil {
		return nil, false
	}
	if plain {
		return content, true
	}
	o.pos = start
	s, err := o.str()
	return []byte(s), err == nil
}
