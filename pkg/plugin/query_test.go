package plugin

import (
	"regexp"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/live"
)

func TestParseQuery(t *testing.T) {
	cases := []struct {
		name, json, wantErr string
		topics              []string
	}{
		{"template with ids", `{"topic":"v2.analytics.queues.{id}.observations","ids":["b","a","a"]}`, "",
			[]string{"v2.analytics.queues.a.observations", "v2.analytics.queues.b.observations"}},
		{"concrete", `{"topic":"v2.users.u1.presence"}`, "", []string{"v2.users.u1.presence"}},
		{"status", `{"queryType":"status","topic":"ignored"}`, "", nil},
		{"unknown format", `{"topic":"v2.users.u1.presence","format":"table"}`, `format "table" is unknown`, nil},
		{"unknown type", `{"queryType":"logs"}`, `queryType "logs" is unknown`, nil},
		{"missing ids", `{"topic":"v2.analytics.queues.{id}.observations"}`, "needs at least one id", nil},
		{"ids without template", `{"topic":"v2.users.u1.presence","ids":["x"]}`, "has no {id}", nil},
		{"bad topic chars", `{"topic":"v2.users.u 1.presence"}`, "has characters", nil},
		{"empty topic", `{}`, "topic is empty", nil},
		{"unexpanded variable", `{"topic":"v2.users.{id}.presence","ids":["$agent"]}`, "left unexpanded", nil},
		{"bad field", `{"topic":"v2.users.u1.presence","fields":["a..b"]}`, "dotted path", nil},
		{"not json", `{`, "not valid JSON", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := ParseQuery([]byte(tc.json))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := q.Topics()
			if strings.Join(got, ",") != strings.Join(tc.topics, ",") {
				t.Errorf("topics %v, want %v", got, tc.topics)
			}
		})
	}
}

func TestQueryKeyStableAndChannelValid(t *testing.T) {
	a, _ := ParseQuery([]byte(`{"refId":"A","topic":"v2.analytics.queues.{id}.observations","ids":["q2","q1"],"fields":["oWaiting"]}`))
	b, _ := ParseQuery([]byte(`{"refId":"B","topic":"v2.analytics.queues.{id}.observations","ids":["q1","q2","q1"],"fields":["oWaiting"],"format":"events"}`))
	c, _ := ParseQuery([]byte(`{"refId":"A","topic":"v2.analytics.queues.{id}.observations","ids":["q1"],"fields":["oWaiting"]}`))
	if a.Key() != b.Key() {
		t.Errorf("equivalent queries hash differently: %s %s", a.Key(), b.Key())
	}
	if a.Key() == c.Key() {
		t.Errorf("different queries share a key")
	}
	uid := strings.Repeat("u", 40) // Grafana uids are at most 40 characters
	ch := live.Channel{Scope: live.ScopeDatasource, Namespace: uid, Path: a.Path()}
	s := ch.String()
	if len(s) > 160 {
		t.Errorf("channel %d characters, over Grafana's 160", len(s))
	}
	if !regexp.MustCompile(`^q/[a-f0-9]{20}$`).MatchString(a.Path()) {
		t.Errorf("path %q outside the allowed charset", a.Path())
	}
	parsed, err := live.ParseChannel(s)
	if err != nil || !parsed.IsValid() || parsed.Path != a.Path() {
		t.Errorf("channel %q does not round-trip: %v %+v", s, err, parsed)
	}
	if k, err := keyFromPath(a.Path()); err != nil || k != a.Key() {
		t.Errorf("keyFromPath: %v %s", err, k)
	}
	for _, bad := range []string{"x/" + a.Key(), "q/", "q/../../etc", "q/" + strings.ToUpper(a.Key())} {
		if _, err := keyFromPath(bad); err == nil {
			t.Errorf("path %q accepted", bad)
		}
	}
}

func TestQueryCacheBounded(t *testing.T) {
	c := newQueryCache(2, nil)
	var qs []Query
	for _, id := range []string{"a", "b", "c"} {
		q, _ := ParseQuery([]byte(`{"topic":"v2.users.` + id + `.presence"}`))
		qs = append(qs, q)
		c.put(q, 1)
	}
	if _, ok := c.get(qs[0].Key()); ok {
		t.Errorf("oldest entry kept beyond the bound")
	}
	if e, ok := c.get(qs[2].Key()); !ok || e.orgID != 1 {
		t.Errorf("newest entry missing")
	}
}
