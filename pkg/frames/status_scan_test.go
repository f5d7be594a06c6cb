package frames

import "testing"

var presenceCases = []string{
	presenceBody1, presenceBody2,
	`{"source":"PURECLOUD","presenceDefinition":{"id":"p","systemPresence":"AWAY","other":[1,{"x":null}]},"primary":false,"extra":{"a":1}}`,
	`{"presenceDefinition":{},"modifiedDate":"not a date"}`, `{}`, `{"modifiedDate":"2026-11-29T00:58:00Z","message":"caf\u00e9 \"x\""}`,
	`{"source":null}`, `{"presenceDefinition":null}`, `{"primary":null}`, `{"primary":"true"}`, `{"message":5}`,
	`{"modifiedDate":null}`, `{"presenceDefinition":{"systemPresence":null}}`, `{"presenceDefinition":{"id":1}}`,
	`{"Source":"x"}`, `{"presenceDefinition":{"SystemPresence":"x"}}`, `{"source":"a","source":"b"}`,
	`{"presenceDefinition":{"id":"a"},"presenceDefinition":{"systemPresence":"b"}}`, `{"s\u006furce":"x"}`,
	`{"source":"x"} 1`, `{"source":"x",}`, `{"source":"x"`, `null`, `[]`, `"x"`, ``, "{\"source\":\"\xff\"}",
}

var routingCases = []string{
	routingBody1, routingBody2,
	`{"id":"u","routingStatus":{"status":"IDLE"}}`, `{"routingStatus":{"startTime":"2026-11-29T01:00:05Z","x":{}}}`,
	`{"routingStatus":{}}`, `{}`, `{"id":"u"}`, `{"routingStatus":{"status":"IDLE","startTime":"bad"}}`,
	`{"routingStatus":null}`, `{"id":null}`, `{"id":5,"routingStatus":{"status":"IDLE"}}`, `{"routingStatus":{"status":null}}`,
	`{"routingStatus":{"startTime":null}}`, `{"routingStatus":{"startTime":1}}`, `{"RoutingStatus":{"status":"IDLE"}}`,
	`{"routingStatus":{"Status":"IDLE"}}`, `{"routingStatus":{"status":"a"},"routingStatus":{"startTime":"b"}}`,
	`{"routingStatus":{"status":"IDLE"}} x`, `{"routingStatus":{"status":"IDLE"}`, `null`, `[1]`, ``,
}

func TestPresenceFastMatchesUnmarshal(t *testing.T) {
	checkCases(t, presenceFast, presenceSlow, presenceCases, []string{presenceBody1, presenceBody2})
}

func TestRoutingStatusFastMatchesUnmarshal(t *testing.T) {
	checkCases(t, routingStatusFast, routingStatusSlow, routingCases, []string{routingBody1, routingBody2})
}

// checkCases runs checkFastMatchesSlow over cases; typical bodies must take the fast
// path, and so must at least a few of the others (no vacuous pass).
func checkCases(t *testing.T, fast fastScan, slow slowScan, cases, typical []string) {
	t.Helper()
	taken := 0
	for _, body := range cases {
		if checkFastMatchesSlow(t, fast, slow, []byte(body)) {
			taken++
		}
	}
	for _, body := range typical {
		if !checkFastMatchesSlow(t, fast, slow, []byte(body)) {
			t.Errorf("typical body not on the fast path: %s", body)
		}
	}
	if taken < 5 {
		t.Errorf("only %d bodies took the fast path", taken)
	}
}

func FuzzPresenceFast(f *testing.F) {
	for _, seed := range presenceCases {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkFastMatchesSlow(t, presenceFast, presenceSlow, body) })
}

func FuzzRoutingStatusFast(f *testing.F) {
	for _, seed := range routingCases {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkFastMatchesSlow(t, routingStatusFast, routingStatusSlow, body) })
}
