package jsoncmp

import (
	"github.com/valyala/fastjson"
)

// This file: valyala/fastjson: parses into a reused tree, validating

type fastJSON struct{ p fastjson.Parser }

func newFastJSON() *fastJSON { return &fastJSON{} }

func (f *fastJSON) envelope(msg []byte) (topic, body, corr []byte, err error) {
	v, err := f.p.ParseBytes(msg)
	if err != nil {
		return nil, nil, nil, err
	}
	topic = v.GetStringBytes("topicName")
	if b := v.Get("eventBody"); b != nil {
		body = b.MarshalTo(nil) // fastjson keeps no raw text: the body is re-encoded
	}
	return topic, body, v.GetStringBytes("metadata", "CorrelationId"), nil
}

func (f *fastJSON) walk(body []byte, t *tally) error {
	v, err := f.p.ParseBytes(body)
	if err != nil {
		return err
	}
	tallyFast(v, t)
	return nil
}

func tallyFast(v *fastjson.Value, t *tally) {
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		o.Visit(func(_ []byte, x *fastjson.Value) { tallyFast(x, t) })
	case fastjson.TypeArray:
		a, _ := v.Array()
		for _, x := range a {
			tallyFast(x, t)
		}
	case fastjson.TypeString:
		s, _ := v.StringBytes()
		t.strBytes += len(s)
	case fastjson.TypeNumber:
		f, _ := v.Float64()
		t.sum += f
	case fastjson.TypeTrue:
		t.trues++
	}
}
