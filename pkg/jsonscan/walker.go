package jsonscan

import "bytes"

// Walker reads objects and arrays member by member for the fast paths. Its methods
// answer false for anything they do not read exactly like json.Unmarshal would (or
// that is not JSON); the caller then decodes with encoding/json.
type Walker struct {
	Scanner
	depth int // containers open around the current value: Skip counts nesting from there
}

// NewWalker walks data from its start.
func NewWalker(data []byte) Walker { return Walker{Scanner: Scanner{Data: data}} }

// Fields walks an object's members; each key is passed exactly (plain ASCII keys only)
// and member must consume the value. A key that matches one of known only
// case-insensitively (encoding/json would still match it), or a known key seen twice
// (encoding/json keeps the last), makes the walk fail. known holds at most 32 names.
func (w *Walker) Fields(known []string, member func(key []byte) bool) bool {
	if w.Peek() != '{' {
		return false
	}
	w.Pos++
	if w.Peek() == '}' {
		w.Pos++
		return true
	}
	w.depth++
	ok := w.members(known, member)
	w.depth--
	return ok
}

func (w *Walker) members(known []string, member func(key []byte) bool) bool {
	var seen uint32
	for {
		if w.Peek() != '"' {
			return false
		}
		key, plain, err := w.RawString()
		if err != nil || !plain || w.Expect(':') != nil {
			return false
		}
		for i, k := range known {
			if len(key) == len(k) && (string(key) == k || bytes.EqualFold(key, []byte(k))) {
				if string(key) != k || seen&(1<<i) != 0 {
					return false
				}
				seen |= 1 << i
			}
		}
		if !member(key) {
			return false
		}
		switch w.Peek() {
		case ',':
			w.Pos++
		case '}':
			w.Pos++
			return true
		default:
			return false
		}
	}
}

// Elements walks an array, calling elem for each element.
func (w *Walker) Elements(elem func() bool) bool {
	if w.Peek() != '[' {
		return false
	}
	w.Pos++
	if w.Peek() == ']' {
		w.Pos++
		return true
	}
	w.depth++
	ok := w.elements(elem)
	w.depth--
	return ok
}

func (w *Walker) elements(elem func() bool) bool {
	for {
		if !elem() {
			return false
		}
		switch w.Peek() {
		case ',':
			w.Pos++
		case ']':
			w.Pos++
			return true
		default:
			return false
		}
	}
}

// Skip consumes any one value.
func (w *Walker) Skip() bool {
	_, err := w.SkipNested(w.depth)
	return err == nil
}

// Raw consumes any one value and returns its bytes (aliasing Data).
func (w *Walker) Raw() ([]byte, bool) {
	raw, err := w.SkipNested(w.depth)
	return raw, err == nil
}

// Str reads a string value; anything else, null included, fails.
func (w *Walker) Str() (string, bool) {
	b, ok := w.Text()
	return string(b), ok
}

// Text reads a string value as bytes; they alias Data unless the literal needed
// decoding. Anything else, null included, fails.
func (w *Walker) Text() ([]byte, bool) {
	if w.Peek() != '"' {
		return nil, false
	}
	b, err := w.Bytes()
	return b, err == nil
}

// Float reads a number value; anything else, null included, fails.
func (w *Walker) Float() (float64, bool) {
	if c := w.Peek(); c != '-' && (c < '0' || c > '9') {
		return 0, false
	}
	lit, err := w.Number()
	if err != nil {
		return 0, false
	}
	v, err := ParseFloat(lit)
	return v, err == nil
}

// Bool reads true or false; anything else, null included, fails.
func (w *Walker) Bool() (v, ok bool) {
	c := w.Peek()
	if c != 't' && c != 'f' {
		return false, false
	}
	return c == 't', w.Literal() == nil
}
