package session

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
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

// maxScanDepth bounds the scanner's recursion; deeper messages take the slow path.
const maxScanDepth = 256

// decodeEnvelope decodes data in one validating pass for the usual message shape and
// falls back to encoding/json for anything unusual (escaped or differently-cased keys,
// repeated fields, unexpected types, invalid JSON), so the result (and the error) is
// what json.Unmarshal gives. EventBody may alias data. names, if not nil, interns topic
// names (one reader's; not safe for concurrent use) so a known topic costs no allocation.
func decodeEnvelope(data []byte, env *envelope, names map[string]string) error {
	if scanEnvelope(data, env, names) {
		return nil
	}
	*env = envelope{}
	return json.Unmarshal(data, env)
}

// envScanner walks one message; ok turns false at the first thing the fast path does
// not handle exactly like encoding/json.
type envScanner struct {
	b  []byte
	i  int
	ok bool
}

// scanEnvelope is decodeEnvelope's fast path; false means "use encoding/json".
func scanEnvelope(data []byte, env *envelope, names map[string]string) bool {
	s := envScanner{b: data, ok: true}
	var topic, body, corr []byte
	var seenTopic, seenBody, seenMeta bool
	s.ws()
	s.object(func(key []byte) {
		switch string(key) {
		case "topicName":
			seenTopic = s.once(seenTopic)
			topic = s.plainString()
		case "eventBody":
			seenBody = s.once(seenBody)
			start := s.i
			s.value(0)
			body = data[start:s.i]
		case "metadata":
			seenMeta = s.once(seenMeta)
			if s.peek() != '{' {
				s.ok = false
				return
			}
			var seenCorr bool
			s.object(func(k []byte) {
				if string(k) == "CorrelationId" {
					seenCorr = s.once(seenCorr)
					corr = s.plainString()
					return
				}
				s.otherKey(k, "CorrelationId")
				s.value(1)
			})
		default:
			s.otherKey(key, "topicName", "eventBody", "metadata")
			s.value(0)
		}
	})
	s.ws()
	if !s.ok || s.i != len(data) {
		return false
	}
	*env = envelope{TopicName: intern(names, topic), EventBody: body}
	env.Metadata.CorrelationID = string(corr)
	return true
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

// once rejects a repeated field (encoding/json's last-wins or merge is left to it).
func (s *envScanner) once(seen bool) bool {
	if seen {
		s.ok = false
	}
	return true
}

// otherKey rejects a key encoding/json would match to one of names case-insensitively.
func (s *envScanner) otherKey(key []byte, names ...string) {
	for _, c := range key {
		if c >= 0x80 || c == '\\' { // escapes, Unicode folding (the Kelvin sign): encoding/json's job
			s.ok = false
		}
	}
	for _, n := range names {
		if strings.EqualFold(string(key), n) {
			s.ok = false
		}
	}
}

func (s *envScanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *envScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// object scans {"key": value, ...}; field gets the key's raw (still escaped) bytes and
// must consume the value after the colon.
func (s *envScanner) object(field func(key []byte)) {
	if !s.ok || s.peek() != '{' {
		s.ok = false
		return
	}
	s.i++
	s.ws()
	if s.peek() == '}' {
		s.i++
		return
	}
	for s.ok {
		key := s.str()
		s.ws()
		if !s.ok || s.peek() != ':' {
			s.ok = false
			return
		}
		s.i++
		s.ws()
		field(key)
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
			s.ws()
		case '}':
			s.i++
			return
		default:
			s.ok = false
		}
	}
}

// plainString scans a string without escapes and returns its contents; escapes,
// control bytes and invalid UTF-8 (which encoding/json rewrites) fail the fast path.
func (s *envScanner) plainString() []byte {
	if !s.ok || s.peek() != '"' {
		s.ok = false
		return nil
	}
	start := s.i + 1
	j := start
	for j < len(s.b) && !special[s.b[j]] {
		j++
	}
	if j == len(s.b) || s.b[j] != '"' || !utf8.Valid(s.b[start:j]) {
		s.ok = false
		return nil
	}
	s.i = j + 1
	return s.b[start:j]
}
