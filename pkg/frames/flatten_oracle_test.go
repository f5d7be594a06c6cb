package frames

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// flattenOracle is the former json.Decoder.Token walker, kept as the reference the
// hand-written scanner in flatten.go is checked against. What json.Valid refuses is
// malformed (the walker's Decode of a deep value counted nesting afresh, so it took
// bodies nested deeper than encoding/json allows).
// flatten walks body in document order and calls emit for every scalar with its
// dotted path. Nulls are skipped (they become missing values). The body must be one
// JSON value.
func flattenOracle(body []byte, emit func(path string, v value)) error {
	if !json.Valid(body) {
		return fmt.Errorf("%w: not valid JSON", ErrMalformed)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := walkOracle(dec, "", 0, emit); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: trailing data after the JSON value", ErrMalformed)
	}
	return nil
}

func joinOracle(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func walkOracle(dec *json.Decoder, path string, depth int, emit func(string, value)) error {
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
				if err := walkOracle(dec, joinOracle(path, k.(string)), depth+1, emit); err != nil {
					return err
				}
			}
		case '[':
			for i := 0; dec.More(); i++ {
				if i == MaxArrayItems {
					return restOracle(dec, joinOracle(path, "more"), emit)
				}
				if err := walkOracle(dec, joinOracle(path, strconv.Itoa(i)), depth+1, emit); err != nil {
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
func restOracle(dec *json.Decoder, path string, emit func(string, value)) error {
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
