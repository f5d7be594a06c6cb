package frames

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
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
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := walk(dec, "", 0, emit); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: trailing data after the JSON value", ErrMalformed)
	}
	return nil
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func walk(dec *json.Decoder, path string, depth int, emit func(string, value)) error {
	if depth >= maxDepth {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		emit(path, stringValue(string(raw)))
		return nil
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				if err := walk(dec, join(path, k.(string)), depth+1, emit); err != nil {
					return err
				}
			}
		case '[':
			for i := 0; dec.More(); i++ {
				if i == MaxArrayItems {
					return rest(dec, join(path, "more"), emit)
				}
				if err := walk(dec, join(path, strconv.Itoa(i)), depth+1, emit); err != nil {
					return err
				}
			}
		}
		_, err := dec.Token() // the closing delimiter
		return err
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return fmt.Errorf("number %s at %q: %w", t, path, err)
		}
		emit(path, numberValue(f))
	case string:
		emit(path, stringValue(t))
	case bool:
		emit(path, value{kind: kindBool, b: t})
	case nil:
	}
	return nil
}

// rest collects the remaining elements of an array as one JSON array text.
func rest(dec *json.Decoder, path string, emit func(string, value)) error {
	var buf bytes.Buffer
	buf.WriteByte('[')
	for n := 0; dec.More(); n++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		if n > 0 {
			buf.WriteByte(',')
		}
		buf.Write(raw)
	}
	buf.WriteByte(']')
	if _, err := dec.Token(); err != nil {
		return err
	}
	emit(path, stringValue(buf.String()))
	return nil
}
