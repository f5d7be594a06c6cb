package plugin

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
)

// The fields /topics offers are the columns of the topic's frames: observations are
// exploded per metric, so their body paths (data.metrics.stats.count) are no column.
func TestDescribeTopicsOffersFrameColumns(t *testing.T) {
	obsSchema := json.RawMessage(`{"type":"object","properties":{"group":{"properties":{"queueId":{"type":"string"}}},
		"data":{"type":"array","items":{"properties":{"metrics":{"type":"array","items":{"properties":{
		"metric":{"type":"string"},"stats":{"properties":{"count":{"type":"number"}}}}}}}}}}}`)
	usersSchema := json.RawMessage(`{"type":"object","properties":{"id":{"type":"string"},"joined":{"type":"boolean"}}}`)
	got := describeTopics([]genesys.AvailableTopic{
		{ID: "v2.analytics.queues.{id}.observations", Schema: obsSchema, Transports: []string{"All"}},
		{ID: "v2.routing.queues.{id}.users", Schema: usersSchema, Transports: []string{"Websocket"}},
	})
	if len(got) != 2 {
		t.Fatalf("got %d topics, want 2", len(got))
	}
	obs, users := got[0], got[1]
	for _, want := range []string{"oWaiting", "oInteracting", "oOnQueueUsers.IDLE", "oServiceLevel.ratio", "tAbandon.count", "nOffered.count"} {
		if !slices.Contains(obs.Fields, want) {
			t.Errorf("observations fields %v lack %q", obs.Fields, want)
		}
	}
	if slices.Contains(obs.Fields, "data.metrics.stats.count") {
		t.Errorf("observations fields offer the body path data.metrics.stats.count: %v", obs.Fields)
	}
	if want := []string{"id", "joined"}; !slices.Equal(users.Fields, want) {
		t.Errorf("queue users fields = %v, want the schema's paths %v", users.Fields, want)
	}
}
