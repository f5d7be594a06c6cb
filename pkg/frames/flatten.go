package frames

import (
	"errors"
	"fmt"
	"strconv"
	"time"
	"unsafe"

	"github.com/cxlive/genesyscloud-datasource/pkg/jsonscan"
)

// MaxArrayItems is how many elements of an array are flattened by index
// (`a.0.b` ... `a.4.b`); the elements after them are kept together as one JSON text
// field `a.more`, so nothing is silently lost and the schema stays bounded.
const MaxArrayItems = 5

// maxDepth bounds nesting: deeper values are kept as JSON text at that depth.
const maxDepth = 16

// ErrMalformed marks an event body that is not a JSON value the frames can use.
var ErrMalformed = errors.New("malformed event body")

type kind uint8

const (
	kindNumber kind = iota + 1
	kindString
	kindBool
)

func (k kind) String() string {
	switch k {
	case kindNumber:
		return "number"
	case kindString:
		return "string"
	case kindBool:
		return "boolean"
	}
	return "unknown"
}

// value is one scalar of a body.
type value struct {
	kind kind
	num  float64
	str  string
	b    bool
}

func numberValue(f float64) value { return value{kind: kindNumber, num: f} }
func stringValue(s string) value  { return value{kind: kindString, str: s} }

// bodyString is b as a string without a copy, for bytes of an event body (or of a
// fresh decode of one, as jsonscan's Bytes returns for escaped literals) and never of
// a scratch buffer. Bodies are never modified once delivered (event.Event.Body), so the
// string stays what it was, and a frame holding it only keeps its body alive a little
// longer. A copy per string value was the largest allocation count of the full path
// (≈ 3 per event over the sampled mix, 15 per detail event).
func bodyString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// text renders v for a string fallback field.
func (v value) text() string {
	switch v.kind {
	case kindNumber:
		return strconv.FormatFloat(v.num, 'g', -1, 64)
	case kindBool:
		return strconv.FormatBool(v.b)
	}
	return v.str
}

// flatten walks body in document order and calls emit for every scalar with its
// dotted path. Nulls are skipped (they become missing values). The body must be one
// JSON value.
func flatten(body []byte, emit func(path string, v value)) error {
	f := flattener{Scanner: jsonscan.Scanner{Data: body}, emit: emit}
	return f.run()
}

// run flattens the whole body. Its paths are built in a buffer on the stack unless
// they grow past it.
func (f *flattener) run() error {
	var buf [128]byte
	f.path = buf[:0]
	if err := f.walk(0); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if !f.AtEnd() {
		return fmt.Errorf("%w: trailing data after the JSON value", ErrMalformed)
	}
	return nil
}

// flattener builds paths in one reused buffer; a path becomes a string only when
// a scalar is emitted.
type flattener struct {
	jsonscan.Scanner
	path  []byte
	emit  func(string, value) // nil: put keeps the cells of a row (generic)
	cells []cell
	at    time.Time // eventTime, when a number
}

// put hands on one scalar. generic keeps them itself rather than through a closure: a
// closure over its cells made the flattener escape, 3 allocations per body.
func (f *flattener) put(path string, v value) {
	if f.emit != nil {
		f.emit(path, v)
		return
	}
	if path == "eventTime" && v.kind == kindNumber {
		f.at = time.UnixMilli(int64(v.num)).UTC()
	}
	f.cells = append(f.cells, cell{name: path, v: v})
}

// push appends name to the path (dotted unless the path is empty) and returns the
// length to restore.
func (f *flattener) push(name []byte) int {
	n := len(f.path)
	if n > 0 {
		f.path = append(f.path, '.')
	}
	f.path = append(f.path, name...)
	return n
}

func (f *flattener) walk(depth int) error {
	if depth >= maxDepth {
		raw, err := f.SkipNested(depth) // depth containers are open around it
		if err != nil {
			return err
		}
		f.put(fieldNames.get(f.path), stringValue(string(raw)))
		return nil
	}
	switch c := f.Peek(); {
	case c == '{':
		return f.object(depth)
	case c == '[':
		return f.array(depth)
	case c == '"':
		s, err := f.Bytes()
		if err != nil {
			return err
		}
		f.put(fieldNames.get(f.path), stringValue(bodyString(s)))
	case c == '-' || '0' <= c && c <= '9':
		lit, err := f.Number()
		if err != nil {
			return err
		}
		v, err := jsonscan.ParseFloat(lit)
		if err != nil {
			return fmt.Errorf("number %s at %q: %w", lit, f.path, err)
		}
		f.put(fieldNames.get(f.path), numberValue(v))
	case c == 't' || c == 'f':
		if err := f.Literal(); err != nil {
			return err
		}
		f.put(fieldNames.get(f.path), value{kind: kindBool, b: c == 't'})
	case c == 'n':
		return f.Literal()
	default:
		return f.Errorf("invalid character looking for beginning of value")
	}
	return nil
}

func (f *flattener) object(depth int) error {
	f.Pos++ // '{'
	if f.Peek() == '}' {
		f.Pos++
		return nil
	}
	for {
		if f.Peek() != '"' {
			return f.Errorf("expected object key")
		}
		name, err := f.Bytes()
		if err != nil {
			return err
		}
		if err := f.Expect(':'); err != nil {
			return err
		}
		restore := f.push(name)
		if err := f.walk(depth + 1); err != nil {
			return err
		}
		f.path = f.path[:restore]
		switch f.Peek() {
		case ',':
			f.Pos++
		case '}':
			f.Pos++
			return nil
		default:
			return f.Errorf("expected ',' or '}' after object value")
		}
	}
}

func (f *flattener) array(depth int) error {
	f.Pos++ // '['
	if f.Peek() == ']' {
		f.Pos++
		return nil
	}
	var index [20]byte
	for i := 0; ; i++ {
		if i == MaxArrayItems {
			return f.rest(depth + 1)
		}
		restore := f.push(strconv.AppendInt(index[:0], int64(i), 10))
		if err := f.walk(depth + 1); err != nil {
			return err
		}
		f.path = f.path[:restore]
		switch f.Peek() {
		case ',':
			f.Pos++
		case ']':
			f.Pos++
			return nil
		default:
			return f.Errorf("expected ',' or ']' after array element")
		}
	}
}

// rest collects the remaining elements of an array as one JSON array text at
// <path>.more; open containers are around each element.
func (f *flattener) rest(open int) error {
	buf := []byte{'['}
	for {
		raw, err := f.SkipNested(open)
		if err != nil {
			return err
		}
		buf = append(buf, raw...)
		switch f.Peek() {
		case ',':
			f.Pos++
			buf = append(buf, ',')
		case ']':
			f.Pos++
			buf = append(buf, ']')
			restore := f.push([]byte("more"))
			f.put(fieldNames.get(f.path), stringValue(string(buf)))
			f.path = f.path[:restore]
			return nil
		default:
			return f.Errorf("expected ',' or ']' after array element")
		}
	}
}
