package jsoncmp

import (
	"errors"

	"github.com/cxlive/genesyscloud-datasource/pkg/jsonscan"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
)

// This file: pkg/jsonscan (production code for the envelope; the walker for bodies)

func jsonscanEnvelope(msg []byte) (topic, body, corr []byte, err error) {
	t, bd, c, err := session.DecodeEnvelope(msg, names)
	return []byte(t), bd, []byte(c), err
}

var names = map[string]string{}

func jsonscanWalk(body []byte, t *tally) error {
	w := jsonscan.NewWalker(body)
	if !walkValue(&w, t) || !w.AtEnd() {
		return errors.New("jsonscan declined")
	}
	return nil
}

func walkValue(w *jsonscan.Walker, t *tally) bool {
	switch w.Peek() {
	case '{':
		return w.Fields(nil, func([]byte) bool { return walkValue(w, t) })
	case '[':
		return w.Elements(func() bool { return walkValue(w, t) })
	case '"':
		s, ok := w.Text()
		t.strBytes += len(s)
		return ok
	case 't', 'f':
		v, ok := w.Bool()
		if v {
			t.trues++
		}
		return ok
	case 'n':
		return w.Literal() == nil
	}
	f, ok := w.Float()
	t.sum += f
	return ok
}
