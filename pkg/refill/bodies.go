package refill

import (
	"encoding/json"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
)

// The REST answers are turned into bodies of the notifications of the same topics, so
// they go through the same path as events (hub, frames, Live, alert queries) and a
// panel cannot tell a refilled value from a notified one except by its marker.

// observationBody is a v2.analytics.queues.{id}.observations body with the o* metrics
// of one group, under the zero-width interval observations use ("<t>/<t>").
func observationBody(r genesys.ObservationResult, at time.Time) json.RawMessage {
	t := at.UTC().Format(time.RFC3339Nano)
	return mustJSON(map[string]any{"group": r.Group,
		"data": []any{map[string]any{"interval": t + "/" + t, "metrics": r.Data}}})
}

// aggregateBody is the same topic's body with the interval totals of one group. A
// count or time the query asked for and the answer left out counted nothing so far in
// the interval: it is sent as zero (a service level of nothing stays absent), so a total from an earlier interval does not stay on
// the panel as if it were current.
func aggregateBody(group map[string]string, interval string, got []genesys.MetricValue, asked []string) json.RawMessage {
	have := map[string]bool{}
	for _, m := range got {
		have[m.Metric] = true
	}
	metrics := append([]genesys.MetricValue(nil), got...)
	for _, name := range asked {
		if !have[name] && (name[0] == 'n' || name[0] == 't') { // a ratio of nothing is no number: left out
			zero := map[string]float64{"count": 0}
			if name[0] == 't' {
				zero["sum"] = 0
			}
			metrics = append(metrics, genesys.MetricValue{Metric: name, Stats: zero})
		}
	}
	return mustJSON(map[string]any{"group": group,
		"data": []any{map[string]any{"interval": interval, "metrics": metrics}}})
}

// presenceDefinition in the notifications' spelling ("ON_QUEUE", not "On Queue").
func presenceDefinition(p *genesys.UserPresence) map[string]any {
	return map[string]any{"id": p.PresenceDefinition.ID,
		"systemPresence": genesys.NotificationPresence(p.PresenceDefinition.SystemPresence)}
}

// presenceBody is a v2.users.{id}.presence body.
func presenceBody(p *genesys.UserPresence) json.RawMessage {
	b := map[string]any{"source": p.Source, "presenceDefinition": presenceDefinition(p),
		"message": p.Message, "modifiedDate": p.ModifiedDate}
	if b["source"] == "" {
		b["source"] = "PURECLOUD"
	}
	if p.Primary != nil {
		b["primary"] = *p.Primary
	}
	return mustJSON(b)
}

// routingStatusBody is a v2.users.{id}.routingStatus body.
func routingStatusBody(id string, rs *genesys.RoutingStatus) json.RawMessage {
	return mustJSON(map[string]any{"id": id, "routingStatus": routing(rs)})
}

// activityBody is a v2.users.{id}.activity body with what the users list gives:
// presence and routing status (not the active queues, which only a notification has).
func activityBody(u genesys.UserState) json.RawMessage {
	b := map[string]any{"id": u.ID}
	if u.RoutingStatus != nil {
		b["routingStatus"] = routing(u.RoutingStatus)
	}
	if u.Presence != nil {
		b["presence"] = map[string]any{"presenceDefinition": presenceDefinition(u.Presence), "modifiedDate": u.Presence.ModifiedDate}
	}
	return mustJSON(b)
}

func routing(rs *genesys.RoutingStatus) map[string]any {
	out := map[string]any{"status": rs.Status}
	if rs.StartTime != "" {
		out["startTime"] = rs.StartTime
	}
	return out
}

// mustJSON encodes values built here from decoded JSON, which cannot fail; nil if it
// ever did (the caller then counts the topic as not refilled).
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}
