package reliability

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/cxlive/genesyscloud-datasource/pkg/plugin"
)

var pathPattern = regexp.MustCompile(`^q/[0-9a-f]{20}$`)

// FuzzParseQuery: any input either fails with an error or yields a normalised query
// whose live path is short and safe, whose normalisation is stable (parsing its own
// JSON gives the same key), and whose concrete topics have no template left.
func FuzzParseQuery(f *testing.F) {
	for _, seed := range []string{
		`{"refId":"A","topic":"v2.analytics.queues.{id}.observations","ids":["q1","q2"],"fields":["oWaiting","oServiceLevel.ratio"],"format":"events"}`,
		`{"topic":"v2.users.{id}.presence","ids":[" u1 ","u1"],"format":"latest"}`,
		`{"queryType":"status","fields":["connected","state"]}`,
		`{"topic":"v2.users.u1.presence","ids":["x"]}`,
		`{"topic":"v2.users.{id}.presence","ids":["$user"]}`,
		`{"topic":"v2..bad"}`, `{"queryType":"nope"}`, `{"format":"table","topic":"a.b"}`,
		`{"topic":"` + strings.Repeat("a.", 200) + `b"}`, `[]`, `null`, `{`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		q, err := plugin.ParseQuery(raw)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without words")
			}
			return
		}
		if p := q.Path(); !pathPattern.MatchString(p) || len("ds/"+strings.Repeat("u", 40)+"/"+p) > 160 {
			t.Fatalf("unsafe live path %q", p)
		}
		again, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		q2, err := plugin.ParseQuery(again)
		if err != nil {
			t.Fatalf("a normalised query %s does not parse again: %v", again, err)
		}
		if q2.Key() != q.Key() {
			t.Fatalf("normalisation is not stable: %s → key %s, then %s", again, q.Key(), q2.Key())
		}
		topics := q.Topics()
		if len(topics) > 200 {
			t.Fatalf("%d topics from one query", len(topics))
		}
		for _, topic := range topics {
			if strings.Contains(topic, "{id}") || strings.TrimSpace(topic) != topic || topic == "" {
				t.Fatalf("concrete topic %q", topic)
			}
		}
	})
}
