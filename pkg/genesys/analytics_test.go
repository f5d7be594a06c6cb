package genesys

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestQueueObservationsAndAggregates(t *testing.T) {
	var bodies []string
	c, last := fake(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		if strings.HasSuffix(r.URL.Path, "/observations/query") {
			fmt.Fprint(w, `{"results":[{"group":{"queueId":"q1","mediaType":"voice"},"data":[{"metric":"oWaiting","stats":{"count":9}},{"metric":"oUserPresences","qualifier":"pd-1","stats":{"count":2}}]}]}`)
			return
		}
		fmt.Fprint(w, `{"results":[{"group":{"queueId":"q1","mediaType":"voice"},"data":[{"interval":"i","metrics":[{"metric":"tAbandon","stats":{"count":2,"sum":300,"min":100,"max":200}}]}]}]}`)
	})
	obs, err := c.QueueObservations(context.Background(), token, []string{"q1", "q2"}, []string{"oWaiting", "oUserPresences"})
	if err != nil {
		t.Fatal(err)
	}
	if last.URL.Path != "/api/v2/analytics/queues/observations/query" || last.Method != "POST" {
		t.Errorf("%s %s", last.Method, last.URL.Path)
	}
	var q struct {
		Filter  Filter
		Metrics []string
	}
	_ = json.Unmarshal([]byte(bodies[0]), &q)
	if q.Filter.Type != "or" || len(q.Filter.Predicates) != 2 || q.Filter.Predicates[1] != (Predicate{"queueId", "q2"}) || len(q.Metrics) != 2 {
		t.Errorf("request %s", bodies[0])
	}
	if len(obs) != 1 || obs[0].Group["queueId"] != "q1" || obs[0].Data[0].Stats["count"] != 9 || obs[0].Data[1].Qualifier != "pd-1" {
		t.Errorf("observations %+v", obs)
	}
	agg, err := c.QueueAggregates(context.Background(), token, "2026-12-07T10:00:00Z/2026-12-07T10:30:00Z", []string{"q1"}, []string{"tAbandon"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(bodies[1], `"interval":"2026-12-07T10:00:00Z/2026-12-07T10:30:00Z"`) || !strings.Contains(bodies[1], `"groupBy":["queueId","mediaType"]`) {
		t.Errorf("aggregates request %s", bodies[1])
	}
	if len(agg) != 1 || agg[0].Data[0].Metrics[0].Stats["sum"] != 300 {
		t.Errorf("aggregates %+v", agg)
	}
}

func TestUsersByID(t *testing.T) {
	c, last := fake(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"entities":[{"id":"u1","name":"Ann","presence":{"source":"PURECLOUD","presenceDefinition":{"id":"pd","systemPresence":"On Queue"},"modifiedDate":"2026-12-07T09:00:00Z"},"routingStatus":{"userId":"u1","status":"IDLE","startTime":"2026-12-07T09:00:00Z"}},{"id":7},{"id":"u2","name":"Bo"}]}`)
	})
	users, err := c.UsersByID(context.Background(), token, []string{"u1", "u2", "u3"})
	if err != nil {
		t.Fatal(err)
	}
	q := last.URL.Query()
	if strings.Join(q["id"], ",") != "u1,u2,u3" || q.Get("expand") != "presence,routingStatus" || q.Get("pageSize") != "3" {
		t.Errorf("query %s", last.URL.RawQuery)
	}
	if len(users) != 2 || users[0].Presence.PresenceDefinition.SystemPresence != "On Queue" || users[0].RoutingStatus.Status != "IDLE" || users[1].Presence != nil {
		t.Errorf("users %+v (an entity that does not decode is skipped, not fatal)", users)
	}
	if got := NotificationPresence("On Queue"); got != "ON_QUEUE" {
		t.Errorf("NotificationPresence = %q", got)
	}
}
