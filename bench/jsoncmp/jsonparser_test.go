package jsoncmp

import (
	"github.com/buger/jsonparser"
)

// This file: buger/jsonparser: finds values by path without a full validating pass

func jsonparserEnvelope(msg []byte) (topic, body, corr []byte, err error) {
	var paths = [][]string{{"topicName"}, {"eventBody"}, {"metadata", "CorrelationId"}}
	jsonparser.EachKey(msg, func(idx int, v []byte, vt jsonparser.ValueType, e error) {
		switch idx {
		case 0:
			topic, _ = jsonparser.Unescape(v, nil)
		case 1:
			body = v
		case 2:
			corr, _ = jsonparser.Unescape(v, nil)
		}
		if e != nil {
			err = e
		}
	}, paths...)
	return topic, body, corr, err
}

func jsonparserWalk(body []byte, t *tally) error {
	return walkParser(body, jsonparser.Object, t)
}

func walkParser(v []byte, vt jsonparser.ValueType, t *tally) error {
	var err error
	switch vt {
	case jsonparser.Object:
		err = jsonparser.ObjectEach(v, func(_, x []byte, xt jsonparser.ValueType, _ int) error {
			return walkParser(x, xt, t)
		})
	case jsonparser.Array:
		_, e := jsonparser.ArrayEach(v, func(x []byte, xt jsonparser.ValueType, _ int, e error) {
			if e == nil {
				e = walkParser(x, xt, t)
			}
			if e != nil && err == nil {
				err = e
			}
		})
		if e != nil {
			err = e
		}
	case jsonparser.String:
		var buf [64]byte
		s, e := jsonparser.Unescape(v, buf[:])
		t.strBytes += len(s)
		err = e
	case jsonparser.Number:
		f, e := jsonparser.ParseFloat(v)
		t.sum += f
		err = e
	case jsonparser.Boolean:
		if v[0] == 't' {
			t.trues++
		}
	}
	return err
}
