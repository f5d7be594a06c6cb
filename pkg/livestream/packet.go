package livestream

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// appendDataPacket appends the data-only Grafana Live packet of f, byte for byte what
// data.FrameToJSONCache(f).Bytes(data.IncludeDataOnly) gives, for the frames
// pkg/frames streams: a time field and nullable float64, string and bool fields. The
// SDK boxes every value into an interface on its way to JSON (an allocation per cell);
// this walks the vectors directly. ok is false, and dst unchanged, for anything else:
// other field types, NaN or ±Inf (the SDK moves those to "entities"), or fields of
// unequal length. The caller then uses the SDK.
func appendDataPacket(dst []byte, f *data.Frame) (out []byte, ok bool) {
	rows, err := f.RowLen()
	if err != nil {
		return dst, false
	}
	start := len(dst)
	subMilli := false // a time value has sub-millisecond nanoseconds: the SDK adds "nanos"
	dst = append(dst, `{"data":{"values":[`...)
	for i, fl := range f.Fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '[')
		for r := 0; r < rows; r++ {
			if r > 0 {
				dst = append(dst, ',')
			}
			p := fl.PointerAt(r)
			if t, isTime := p.(*time.Time); isTime {
				subMilli = subMilli || t.Nanosecond()%int(time.Millisecond) != 0
			}
			if dst, ok = appendCell(dst, p); !ok {
				return dst[:start], false
			}
		}
		dst = append(dst, ']')
	}
	dst = append(dst, ']')
	if subMilli {
		dst = appendNanos(dst, f, rows)
	}
	return append(dst, "}}"...), true
}

// appendNanos appends the SDK's "nanos": per field, null or (a time field with any
// sub-millisecond part) each row's nanoseconds beyond its millisecond.
func appendNanos(dst []byte, f *data.Frame, rows int) []byte {
	dst = append(dst, `,"nanos":[`...)
	for i, fl := range f.Fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		has := false
		for r := 0; r < rows && fl.Type() == data.FieldTypeTime; r++ {
			has = has || fl.PointerAt(r).(*time.Time).Nanosecond()%int(time.Millisecond) != 0
		}
		if !has {
			dst = append(dst, "null"...)
			continue
		}
		dst = append(dst, '[')
		for r := 0; r < rows; r++ {
			if r > 0 {
				dst = append(dst, ',')
			}
			dst = strconv.AppendInt(dst, int64(fl.PointerAt(r).(*time.Time).Nanosecond()%int(time.Millisecond)), 10)
		}
		dst = append(dst, ']')
	}
	return append(dst, ']')
}

// appendCell appends one value, given by a pointer to its slot in the field's vector
// (Field.PointerAt: no boxing), as the SDK's JSON encoder (jsoniter, compatible with
// encoding/json) writes it.
func appendCell(dst []byte, p any) ([]byte, bool) {
	switch p := p.(type) {
	case *time.Time:
		return strconv.AppendInt(dst, p.UnixMilli(), 10), true
	case **float64:
		if *p == nil {
			return append(dst, "null"...), true
		}
		return appendFloat(dst, **p)
	case **string:
		if *p == nil {
			return append(dst, "null"...), true
		}
		return appendString(dst, **p), true
	case **bool:
		if *p == nil {
			return append(dst, "null"...), true
		}
		return strconv.AppendBool(dst, **p), true
	}
	return dst, false
}

// appendFloat formats as jsoniter's WriteFloat64: shortest representation, exponent
// form below 1e-6 and from 1e21 on.
func appendFloat(dst []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return dst, false
	}
	// Most values are counts and millisecond sums: whole numbers print as integers,
	// which strconv does far faster than the shortest-float search (same digits; -0 and
	// magnitudes near float64's integer precision take the general path).
	if f == math.Trunc(f) && f != 0 && math.Abs(f) < 1e15 {
		return strconv.AppendInt(dst, int64(f), 10), true
	}
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	return strconv.AppendFloat(dst, f, format, -1, 64), true
}

// appendString quotes s as jsoniter's HTML-escaping writer: \" \\ \n \r \t, other
// control characters and < > & as \u00xx, invalid UTF-8 as \ufffd, U+2028 and U+2029
// escaped.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
