package session

import (
	"bytes"
	"encoding/json"

	"github.com/cxlive/genesyscloud-datasource/pkg/jsonscan"
)

// BodyScan is the frames stage's one pass over an event body (frames.Scan), run inside
// the envelope decoder's pass so that no body is read twice: text is the session's own
// copy of the socket message from the body's first byte on. It validates the body value
// at the start of text as encoding/json would, and returns the value's length and what
// it read (event.Event.Scanned, which may alias text[:n], the event's body from then
// on). An error rejects the event.
type BodyScan func(topic string, text []byte) (n int, scanned any, err error)

// envelope is one socket message as the service sent it. EventBody aliases the
// message buffer when it comes from scanEnvelope without a BodyScan: copy it before
// keeping it.
type envelope struct {
	TopicName string          `json:"topicName"`
	EventBody json.RawMessage `json:"eventBody"`
	Metadata  struct {
		CorrelationID string `json:"CorrelationId"`
	} `json:"metadata"`
	read    bool // a BodyScan read EventBody, which is then the session's own copy
	scanned any  // what it read
}

// bodyError is a message whose envelope reads well but whose body the BodyScan
// refused: the event is rejected, and its topic is told.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return "event body: " + e.err.Error() }

// decodeEnvelope decodes data in one validating pass for the usual message shape and
// falls back to encoding/json for anything unusual (differently-cased or escaped keys,
// repeated fields, unexpected types, invalid JSON), so the result (and the error) is
// what json.Unmarshal gives. With scan, the body of an event whose topic came before it
// (the usual order) is not validated here but read by scan in the same pass; a body it
// refuses gives a *bodyError, with env.TopicName set. Without scan, or when scan did not
// read it, EventBody may alias data. names, if not nil, interns topic names (one
// reader's; not safe for concurrent use) so a known topic costs no allocation.
func decodeEnvelope(data []byte, env *envelope, names map[string]string, scan BodyScan) error {
	if ok, err := scanEnvelope(data, env, names, scan); ok || err != nil {
		return err
	}
	var slow envelope // on the heap only on this path: env itself stays on the caller's stack
	err := json.Unmarshal(data, &slow)
	*env = slow
	return err
}

var (
	envelopeKeys = []string{"topicName", "eventBody", "metadata"}
	metadataKeys = []string{"CorrelationId"}
)

// scanEnvelope is decodeEnvelope's fast path (pkg/jsonscan's walker); false with no
// error means "use encoding/json".
func scanEnvelope(data []byte, env *envelope, names map[string]string, scan BodyScan) (bool, error) {
	w := jsonscan.NewWalker(data)
	var topic, body, corr []byte
	var name string // topic, interned, once known
	var read bool
	var scanned any
	var refused error
	ok := w.Fields(envelopeKeys, func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "topicName":
			topic, ok = w.Text()
			name = intern(names, topic)
		case "eventBody":
			if scan == nil || len(topic) == 0 || control(name) {
				body, ok = w.Raw()
				break
			}
			w.Peek() // to the body's first byte
			text := append([]byte(nil), data[w.Pos:]...)
			n, sc, err := scan(name, text)
			if err != nil {
				refused = err
				return false
			}
			body, read, scanned, ok = text[:n:n], true, sc, true
			w.Pos += n
		case "metadata":
			ok = w.Fields(metadataKeys, func(key []byte) bool {
				if string(key) != "CorrelationId" {
					return w.Skip()
				}
				var ok bool
				corr, ok = w.Text()
				return ok
			})
		default:
			ok = w.Skip()
		}
		return ok
	})
	if refused != nil {
		*env = envelope{TopicName: name}
		return false, &bodyError{refused}
	}
	if !ok || !w.AtEnd() {
		return false, nil
	}
	*env = envelope{TopicName: name, EventBody: body, read: read, scanned: scanned}
	env.Metadata.CorrelationID = string(corr)
	return true, nil
}

// control reports whether topic carries the service's own messages (heartbeats,
// pongs, system notices), which the session reads itself.
func control(topic string) bool {
	return topic == "channel.metadata" || len(topic) >= 10 && topic[:10] == "v2.system."
}

// maxInterned bounds a reader's topic-name table; past it the table starts over.
const maxInterned = 4096

func intern(names map[string]string, b []byte) string {
	if names == nil {
		return string(b)
	}
	if s, ok := names[string(b)]; ok { // no allocation for the lookup
		return s
	}
	if len(names) >= maxInterned {
		clear(names)
	}
	s := string(b)
	names[s] = s
	return s
}

// emptyBody is what an event without a body carries.
var emptyBody = json.RawMessage("null")

// isEmpty reports whether an event's body is missing.
func isEmpty(body []byte) bool { return len(bytes.TrimSpace(body)) == 0 }

// DecodeEnvelope is the socket reader's envelope decoder for callers outside the
// session: the ingestion benchmark's bare loop measures this same code, validating the
// body in the envelope's pass (no BodyScan). names is as for decodeEnvelope; body
// aliases data.
func DecodeEnvelope(data []byte, names map[string]string) (topic string, body json.RawMessage, correlationID string, err error) {
	var env envelope
	err = decodeEnvelope(data, &env, names, nil)
	return env.TopicName, env.EventBody, env.Metadata.CorrelationID, err
}
