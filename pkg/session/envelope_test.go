package session

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/cxlive/genesyscloud-datasource/pkg/jsonscan"
)

var envelopeCases = []struct {
	name, msg string
	fast      bool // the one-pass scanner decodes it (else encoding/json does)
}{
	{"event", `{"topicName":"v2.users.u1.presence","version":"2","eventBody":{"a":[1,-2.5e3,true,null,"x\"\u00e9"]},"metadata":{"CorrelationId":"c1"}}`, true},
	{"spaces", " {\n\"topicName\" : \"t\" ,\t\"eventBody\" : [ ] , \"metadata\" : { } }\r\n", true},
	{"escapes in body", `{"topicName":"t","eventBody":{"a\"b\u00e9":"\\\/\n"}}`, true},
	{"no body", `{"topicName":"t"}`, true},
	{"null body", `{"topicName":"t","eventBody":null}`, true},
	{"heartbeat", `{"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}}`, true},
	{"other case key", `{"TopicName":"t","eventBody":1}`, false},
	{"other case corr", `{"topicName":"t","metadata":{"correlationId":"c"}}`, false},
	{"kelvin key", "{\"topicName\":\"t\",\"metadata\":{\"CorrelationId\":\"c\",\"Correlation\u212aey\":1}}", false},
	{"repeated topic", `{"topicName":"a","topicName":"b"}`, false},
	{"escaped topic", `{"topicName":"a\u0062"}`, true},
	{"escaped key", `{"topic\u004eame":"a"}`, false},
	{"number topic", `{"topicName":1}`, false},
	{"null metadata", `{"topicName":"t","metadata":null}`, false},
	{"number corr", `{"topicName":"v2.x","eventBody":"str","metadata":{"CorrelationId":5}}`, false},
	{"bad number", `{"topicName":"t","eventBody":01}`, false},
	{"bad escape", `{"topicName":"t","eventBody":"\x"}`, false},
	{"trailing comma", `{"topicName":"t","eventBody":[1,]}`, false},
	{"trailing data", `{"topicName":"t"} x`, false},
	{"truncated", `{"topicName":"t","eventBody":{"a":`, false},
	{"control byte", "{\"topicName\":\"t\",\"eventBody\":\"a\x01\"}", false},
	{"bad utf8 topic", "{\"topicName\":\"t\xff\"}", true}, // replaced as encoding/json does
	{"array", `[]`, false},
	{"null", `null`, false},
	{"empty", ``, false},
}

// TestDecodeEnvelopeMatchesEncodingJSON: the fast path takes the usual shapes and,
// whichever path runs, the result is json.Unmarshal's.
func TestDecodeEnvelopeMatchesEncodingJSON(t *testing.T) {
	for _, tc := range envelopeCases {
		t.Run(tc.name, func(t *testing.T) {
			var fast envelope
			if got, _ := scanEnvelope([]byte(tc.msg), &fast, nil, nil); got != tc.fast {
				t.Fatalf("scanEnvelope took it = %v, want %v", got, tc.fast)
			}
			checkSameAsEncodingJSON(t, []byte(tc.msg))
		})
	}
}

func FuzzDecodeEnvelope(f *testing.F) {
	for _, tc := range envelopeCases {
		f.Add([]byte(tc.msg))
	}
	f.Fuzz(checkSameAsEncodingJSON)
}

func checkSameAsEncodingJSON(t *testing.T, data []byte) {
	var want, got envelope
	wantErr := json.Unmarshal(data, &want)
	gotErr := decodeEnvelope(data, &got, map[string]string{"t": "t"}, nil)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("error %v, encoding/json says %v", gotErr, wantErr)
	}
	if wantErr != nil {
		return
	}
	if got.TopicName != want.TopicName || got.Metadata != want.Metadata || !bytes.Equal(got.EventBody, want.EventBody) {
		t.Fatalf("decoded %+v (body %s), encoding/json %+v (body %s)", got, got.EventBody, want, want.EventBody)
	}
	if len(got.EventBody) > 0 && !json.Valid(got.EventBody) {
		t.Fatalf("invalid body %s accepted", got.EventBody)
	}
}

// recordScan is a BodyScan that validates like jsonscan and records what it was given.
type recordScan struct{ topics []string }

func (r *recordScan) scan(topic string, text []byte) (int, any, error) {
	r.topics = append(r.topics, topic)
	s := jsonscan.Scanner{Data: text}
	raw, err := s.SkipValue()
	return s.Pos, "read:" + string(raw), err
}

// With a BodyScan the decoder hands the body over instead of validating it: the
// topic, body and correlation id stay json.Unmarshal's; the scan reads the body in the
// envelope's pass when the topic came first, and a body it refuses is told apart from
// a malformed envelope, with its topic.
func TestDecodeEnvelopeHandsTheBodyToScan(t *testing.T) {
	for _, tc := range envelopeCases {
		checkWithScan(t, []byte(tc.msg))
	}
	for _, msg := range []string{
		`{"topicName":"t","eventBody":{"a":[1,2]},"metadata":{"CorrelationId":"c"}}`,
		`{"topicName":"t","eventBody":  "s" ,"metadata":{"CorrelationId":"c"}}`,
		`{"eventBody":{"a":1},"topicName":"t"}`, // body first: not read in the pass
		`{"topicName":"channel.metadata","eventBody":{"message":"pong"}}`,
	} {
		checkWithScan(t, []byte(msg))
	}
	var env envelope
	r := &recordScan{}
	err := decodeEnvelope([]byte(`{"topicName":"t","eventBody":{"a":01},"metadata":{"CorrelationId":"c"}}`), &env, nil, r.scan)
	if _, ok := err.(*bodyError); !ok || env.TopicName != "t" {
		t.Errorf("refused body: %v, topic %q", err, env.TopicName)
	}
}

func FuzzDecodeEnvelopeWithScan(f *testing.F) {
	for _, tc := range envelopeCases {
		f.Add([]byte(tc.msg))
	}
	f.Fuzz(checkWithScan)
}

func checkWithScan(t *testing.T, data []byte) {
	var want, got envelope
	wantErr := json.Unmarshal(data, &want)
	r := &recordScan{}
	gotErr := decodeEnvelope(data, &got, nil, r.scan)
	if _, refused := gotErr.(*bodyError); refused {
		if wantErr == nil || got.TopicName == "" {
			t.Fatalf("%q: body refused (%v), encoding/json says %v", data, gotErr, wantErr)
		}
		return
	}
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("%q: error %v, encoding/json says %v", data, gotErr, wantErr)
	}
	if wantErr != nil {
		return
	}
	if got.TopicName != want.TopicName || got.Metadata != want.Metadata || !bytes.Equal(got.EventBody, want.EventBody) {
		t.Fatalf("decoded %+v (body %s), encoding/json %+v (body %s)", got, got.EventBody, want, want.EventBody)
	}
	if got.read != (got.scanned != nil) || got.read && got.scanned != "read:"+string(got.EventBody) {
		t.Fatalf("%q: read %v, scanned %v", data, got.read, got.scanned)
	}
	if got.read && (len(r.topics) == 0 || r.topics[len(r.topics)-1] != got.TopicName || control(got.TopicName)) {
		t.Fatalf("%q: scanned for %v, topic %q", data, r.topics, got.TopicName)
	}
}
