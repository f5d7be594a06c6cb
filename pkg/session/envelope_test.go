package session

import (
	"bytes"
	"encoding/json"
	"testing"
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
			if got, _ := scanEnvelope([]byte(tc.msg), &fast, nil); got != tc.fast {
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
	gotErr := decodeEnvelope(data, &got, map[string]string{"t": "t"})
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("error %v, encoding/json says %v", gotErr, wantErr)
	}
	if _, bad := gotErr.(*bodyError); bad && got.TopicName == "" {
		t.Fatalf("%q: a bad body without its topic: %v", data, gotErr)
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

// A body that is not valid JSON after a readable topic is told apart from a malformed
// envelope, with its topic, so the event can be rejected for that topic.
func TestBadBodyKeepsItsTopic(t *testing.T) {
	for _, tc := range []struct {
		msg   string
		topic string // "" = an ordinary malformed message
	}{
		{`{"topicName":"v2.users.u1.presence","eventBody":{"a":01},"metadata":{"CorrelationId":"c"}}`, "v2.users.u1.presence"},
		{`{"topicName":"v2.x","eventBody":{"a":`, "v2.x"},
		{`{"eventBody":{"a":01},"topicName":"v2.x"}`, ""},                  // body first: its topic is not known yet
		{`{"topicName":"channel.metadata","eventBody":{"message":x}}`, ""}, // the service's own
		{`{"topicName":"v2.x","eventBody":{"a":1},"metadata":5}`, ""},
	} {
		var env envelope
		err := decodeEnvelope([]byte(tc.msg), &env, nil)
		_, bad := err.(*bodyError)
		if err == nil || bad != (tc.topic != "") || bad && env.TopicName != tc.topic {
			t.Errorf("%s: %v (topic %q)", tc.msg, err, env.TopicName)
		}
	}
}
