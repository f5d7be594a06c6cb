package session

import (
	"encoding/json"
	"strings"

	"github.com/cxlive/genesyscloud-datasource/pkg/jsonscan"
)

// envelope is one socket message as the service sent it. EventBody aliases the
// message buffer when it comes from scanEnvelope: copy it before keeping it.
type envelope struct {
	TopicName string          `json:"topicName"`
	EventBody json.RawMessage `json:"eventBody"`
	Metadata  struct {
		CorrelationID string `json:"CorrelationId"`
	} `json:"metadata"`
}

// bodyError is a message whose envelope read well up to an event body that is not
// valid JSON: the event is rejected, and its topic (env.TopicName) is told.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return "event body: " + e.err.Error() }

// decodeEnvelope decodes data in one validating pass for the usual message shape and
// falls back to encoding/json for anything unusual (differently-cased or escaped keys,
// repeated fields, unexpected types, invalid JSON), so the result is what json.Unmarshal
// gives, and so is whether it fails. When the topic came before an event body that is
// not valid JSON, the error is a *bodyError and env.TopicName is set. EventBody may
// alias data. names, if not nil, interns topic names (one reader's; not safe for
// concurrent use) so a known topic costs no allocation.
func decodeEnvelope(data []byte, env *envelope, names map[string]string) error {
	if ok, err := scanEnvelope(data, env, names); ok || err != nil {
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
func scanEnvelope(data []byte, env *envelope, names map[string]string) (bool, error) {
	w := jsonscan.NewWalker(data)
	var topic, body, corr []byte
	var bad error // the event body's
	ok := w.Fields(envelopeKeys, func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "topicName":
			topic, ok = w.Text()
		case "eventBody":
			// Finding where the body ends costs ≈ 90 % of validating it (issue 24: a
			// shape-only skip of quotes and brackets), so the body is validated here.
			var err error
			body, err = w.SkipNested(1) // inside the envelope
			if ok = err == nil; !ok && len(topic) > 0 && !control(string(topic)) {
				bad = err
			}
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
	if bad != nil {
		*env = envelope{TopicName: intern(names, topic)}
		return false, &bodyError{bad}
	}
	if !ok || !w.AtEnd() {
		return false, nil
	}
	*env = envelope{TopicName: intern(names, topic), EventBody: body}
	env.Metadata.CorrelationID = string(corr)
	return true, nil
}

// control reports whether topic carries the service's own messages (heartbeats,
// pongs, system notices), which the session reads itself.
func control(topic string) bool {
	return topic == heartbeatTopic || strings.HasPrefix(topic, systemPrefix)
}

// The service's own topics: heartbeats and pongs, and system notices.
const (
	heartbeatTopic = "channel.metadata"
	systemPrefix   = "v2.system."
)

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

// DecodeEnvelope is the socket reader's envelope decoder for callers outside the
// session: the ingestion benchmark's bare loop measures this same code. names is as
// for decodeEnvelope; body aliases data.
func DecodeEnvelope(data []byte, names map[string]string) (topic string, body json.RawMessage, correlationID string, err error) {
	var env envelope
	err = decodeEnvelope(data, &env, names)
	return env.TopicName, env.EventBody, env.Metadata.CorrelationID, err
}
