package frames

import (
	"strings"
	"testing"
)

var obsCases = []string{
	obsVoice1, obsVoice2, obsChat,
	`{"data":[{"metrics":[{"metric":"tHandle","qualifier":"q","stats":{"zeta":1,"max":2,"alpha":3,"count":4}}]}],"group":{"mediaType":"chat"}}`,
	`{"group":{"mediaType":"voice","x":[1,{"y":null}]},"other":{"a":[]},"data":[{"interval":"i","metrics":[{"metric":"","stats":{"count":1}},{"stats":{"count":1}},{"metric":"oA","stats":{}},{"metric":"oB","qualifier":"","stats":{"count":0}},{"metric":"tC","stats":{"count":2}}]},{}]}`,
	`{"data":[]}`, `{}`, `null`, `[]`, `1`, `{"data":null}`, `{"group":null}`,
	`{"Group":{"mediaType":"voice"},"data":[]}`, `{"group":{"MEDIATYPE":"voice"}}`, `{"data":[{"Metrics":[{"metric":"oA","stats":{"count":1}}]}]}`,
	`{"data":[{"metrics":[{"Metric":"oA","stats":{"count":1}}]}]}`, `{"data":[{"metrics":[{"metric":"oA","ſtats":{"count":1}}]}]}`,
	`{"data":[{"metrics":[{"metric":"oA","stats":{"count":1,"count":2}}]}]}`, `{"data":[{"metrics":[{"metric":"oA","metric":"oB","stats":{"count":1}}]}]}`,
	`{"data":[{"metrics":[{"metric":"oA","qualifier":null,"stats":{"count":1}}]}]}`, `{"data":[{"metrics":[{"metric":"oA","stats":{"count":null}}]}]}`,
	`{"data":[{"metrics":[{"metric":"oA","stats":{"count":"1"}}]}]}`, `{"data":[{"metrics":[{"metric":5}]}]}`, `{"data":[{"interval":5}]}`,
	`{"data":[{"metrics":[{"metric":"o\u0041","qualifier":"\u00e9","stats":{"c\u006funt":1}}]}]}`, `{"data":[{"metrics":[{"metric":"oA","stats":{"count":1e999}}]}]}`,
	`{"data":[{"metrics":[{"metric":"oA","stats":{"count":1}}]}]} x`, `{"data":[{"metrics":[{"metric":"oA","stats":{"count":1}}]}`, `{"data":[{"metrics":[{"metric":"oA","stats":{"count":1},}]}]}`,
	`{"group":{"queueId":1}}`, `{"group":{"mediaType":"voice"},"group":{"mediaType":"chat"}}`, ``, `{`, `{"data":[1]}`, `{"data":[null]}`,
}

func TestObservationsFastMatchesUnmarshal(t *testing.T) {
	fast := 0
	for _, body := range obsCases {
		if checkFastMatchesSlow(t, arrivalTimed(observationsFast), observationsSlow, []byte(body)) {
			fast++
		}
	}
	for _, body := range []string{obsVoice1, obsVoice2, obsChat} {
		if !checkFastMatchesSlow(t, arrivalTimed(observationsFast), observationsSlow, []byte(body)) {
			t.Errorf("typical body not on the fast path: %s", body)
		}
	}
	if fast < 6 {
		t.Errorf("only %d bodies took the fast path", fast)
	}
	many := `{"data":[{"metrics":[` + strings.TrimSuffix(strings.Repeat(`{"metric":"tX","stats":{"sum":1,"count":2,"b":3,"a":4,"min":5}},`, 50), ",") + `]}]}`
	if !checkFastMatchesSlow(t, arrivalTimed(observationsFast), observationsSlow, []byte(many)) {
		t.Errorf("%.40s... not on the fast path", many)
	}
}

func FuzzObservationsFast(f *testing.F) {
	for _, seed := range obsCases {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkFastMatchesSlow(t, arrivalTimed(observationsFast), observationsSlow, body)
	})
}
