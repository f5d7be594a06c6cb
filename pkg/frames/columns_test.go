package frames

import (
	"strings"
	"testing"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// Every column a frame of a fixed-shape family has is one Columns offers (or under one).
func TestColumnsCoverBuiltFrames(t *testing.T) {
	tests := []struct {
		template string
		topic    string
		bodies   []string
	}{
		{"v2.analytics.queues.{id}.observations", obsTopic, []string{`{"group":{"queueId":"q","mediaType":"voice"},"data":[{"interval":"x","metrics":[
 {"metric":"oWaiting","stats":{"count":3}},{"metric":"oInteracting","stats":{"count":5}},{"metric":"oAlerting","stats":{"count":0}},
 {"metric":"oOnQueueUsers","qualifier":"IDLE","stats":{"count":2}},{"metric":"oOffQueueUsers","stats":{"count":1}},
 {"metric":"oActiveUsers","stats":{"count":3}},{"metric":"oMemberUsers","stats":{"count":4}},
 {"metric":"oUserPresences","qualifier":"6a3af858-942f-489d-9700-5f9bcdcdae9b","stats":{"count":4}},
 {"metric":"oUserRoutingStatuses","qualifier":"COMMUNICATING","stats":{"count":1}},
 {"metric":"oLongestWaiting","stats":{"calculatedMetricValue":45000}},
 {"metric":"oServiceLevel","stats":{"ratio":0.8,"numerator":8,"denominator":10,"target":0.8}},
 {"metric":"nOffered","stats":{"count":9}},
 {"metric":"tAbandon","stats":{"count":2,"sum":86168,"min":11781,"max":74387}},
 {"metric":"tHandle","stats":{"count":2,"sum":8,"min":1,"max":7}}]}]}`}},
		{"v2.routing.queues.{id}.conversations", convTopic, []string{conversationBody1, conversationBody2}},
		{"v2.users.{id}.conversations", "v2.users." + userID + ".conversations", []string{conversationBody1}},
		{"v2.users.{id}.presence", presenceTopic, []string{presenceBody1, presenceBody2}},
		{"v2.users.{id}.routingStatus", routingTopic, []string{routingBody1, routingBody2}},
	}
	for _, tc := range tests {
		t.Run(tc.template, func(t *testing.T) {
			cols := Columns(tc.template)
			if len(cols) == 0 {
				t.Fatalf("Columns(%q) is empty", tc.template)
			}
			offered := map[string]bool{}
			for _, c := range cols {
				offered[c] = true
			}
			var events []event.Event
			for i, b := range tc.bodies {
				events = append(events, evt(tc.topic, at(i), b))
			}
			f, err := Build(tc.topic, events, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, field := range f.Fields[1:] {
				if !coveredBy(field.Name, offered) {
					t.Errorf("frame column %q is not offered by Columns(%q) = %v", field.Name, tc.template, cols)
				}
			}
		})
	}
}

func coveredBy(name string, offered map[string]bool) bool {
	for p := name; ; {
		if offered[p] {
			return true
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			return false
		}
		p = p[:i]
	}
}

func TestColumnsNilForFlattenedFamilies(t *testing.T) {
	for _, topic := range []string{"v2.routing.queues.{id}.users", "v2.users.{id}.activity",
		"v2.detail.events.conversation.{id}.acd.end", "v2.system.status"} {
		if cols := Columns(topic); cols != nil {
			t.Errorf("Columns(%q) = %v, want nil (the body's paths are the columns)", topic, cols)
		}
	}
}
