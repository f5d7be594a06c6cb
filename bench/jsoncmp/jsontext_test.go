package jsoncmp

import (
	"bytes"
	"errors"
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// This file: go-json-experiment/json/jsontext: a streaming tokenizer, validating as it reads

type jsonText struct {
	r bytes.Reader
	d *jsontext.Decoder
}

func newJSONText() *jsonText {
	j := &jsonText{}
	j.d = jsontext.NewDecoder(&j.r)
	return j
}

func (j *jsonText) reset(b []byte) {
	j.r.Reset(b)
	j.d.Reset(&j.r, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
}

func (j *jsonText) end() error {
	if _, err := j.d.ReadToken(); err != io.EOF {
		return errors.New("trailing data")
	}
	return nil
}

func (j *jsonText) envelope(msg []byte) (topic, body, corr []byte, err error) {
	j.reset(msg)
	if tok, err := j.d.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, nil, nil, errors.New("not an object")
	}
	for j.d.PeekKind() != '}' {
		name, err := j.d.ReadToken()
		if err != nil {
			return nil, nil, nil, err
		}
		switch name.String() {
		case "topicName":
			tok, err := j.d.ReadToken()
			if err != nil {
				return nil, nil, nil, err
			}
			topic = []byte(tok.String())
		case "eventBody":
			v, err := j.d.ReadValue()
			if err != nil {
				return nil, nil, nil, err
			}
			body = append(body[:0], v...)
		case "metadata":
			if _, err := j.d.ReadToken(); err != nil {
				return nil, nil, nil, err
			}
			for j.d.PeekKind() != '}' {
				k, err := j.d.ReadToken()
				if err != nil {
					return nil, nil, nil, err
				}
				isCorr := k.String() == "CorrelationId" // k is void after the next read
				v, err := j.d.ReadToken()
				if err != nil {
					return nil, nil, nil, err
				}
				if isCorr {
					corr = []byte(v.String())
				}
			}
			if _, err := j.d.ReadToken(); err != nil {
				return nil, nil, nil, err
			}
		default:
			if err := j.d.SkipValue(); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	if _, err := j.d.ReadToken(); err != nil {
		return nil, nil, nil, err
	}
	return topic, body, corr, j.end()
}

func (j *jsonText) walk(body []byte, t *tally) error {
	j.reset(body)
	type open struct{ object, wantName bool }
	var buf [16]open
	stack := buf[:0]
	for {
		tok, err := j.d.ReadToken()
		if err != nil {
			return err
		}
		k := tok.Kind()
		if n := len(stack); n > 0 && stack[n-1].wantName && k == '"' {
			stack[n-1].wantName = false // a member name: not counted
			continue
		}
		switch k {
		case '{':
			stack = append(stack, open{object: true, wantName: true})
			continue
		case '[':
			stack = append(stack, open{})
			continue
		case '}', ']':
			stack = stack[:len(stack)-1]
		case '"':
			t.strBytes += len(tok.String())
		case '0':
			f, err := tok.Float()
			if err != nil {
				return err
			}
			t.sum += f
		case 't':
			t.trues++
		}
		if len(stack) == 0 {
			return j.end()
		}
		if top := &stack[len(stack)-1]; top.object {
			top.wantName = true
		}
	}
}
