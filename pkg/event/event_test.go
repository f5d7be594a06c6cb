package event

import (
	"encoding/json"
	"testing"
	"time"
)

func TestKeyMatchesCaseInsensitively(t *testing.T) {
	a := Key("v2.users.ABC.routingStatus")
	b := Key("v2.users.abc.routingstatus")
	if a != b {
		t.Fatalf("Key(%q) = %q, Key(%q) = %q; want equal", "v2.users.ABC.routingStatus", a, "v2.users.abc.routingstatus", b)
	}
}

func TestGapOpen(t *testing.T) {
	g := Gap{Topic: "t", Start: time.Unix(10, 0)}
	if !g.Open() {
		t.Fatal("gap without End should be open")
	}
	g.End = time.Unix(20, 0)
	if g.Open() {
		t.Fatal("gap with End should be closed")
	}
}

// TestStatusJSONIsCamelCase: the status resource uses one key convention (camelCase),
// topic verdicts included.
func TestStatusJSONIsCamelCase(t *testing.T) {
	b, _ := json.Marshal(TopicStatus{Topic: "t", State: StateRejected, Reason: "r", MissingPermissions: []string{"p"}})
	if string(b) != `{"topic":"t","state":"rejected","reason":"r","missingPermissions":["p"]}` {
		t.Errorf("%s", b)
	}
}
