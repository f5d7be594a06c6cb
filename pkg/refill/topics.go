package refill

import (
	"strings"
)

// kind is what a refill reads for a topic.
type kind int

const (
	kindNone         kind = iota // no current state over REST (conversations, detail events)
	kindQueue                    // v2.analytics.queues.{id}.observations
	kindPresence                 // v2.users.{id}.presence
	kindRoutingState             // v2.users.{id}.routingStatus
	kindActivity                 // v2.users.{id}.activity
)

// target is one topic a refill can fill: an event topic, the family's REST call and
// the entity id it asks about.
type target struct {
	topic string // event topic name, as notifications spell it
	kind  kind
	id    string
}

// targets are the refillable event topics of a subscribed topic: one for a plain
// topic, one per refillable sub-topic of a combined one
// ("v2.users.{id}?presence&routingStatus"), none for families without current state.
func targets(topic string) []target {
	parts := strings.Split(topic, ".")
	switch {
	case len(parts) == 5 && strings.EqualFold(parts[0], "v2") && strings.EqualFold(parts[1], "analytics") &&
		strings.EqualFold(parts[2], "queues") && strings.EqualFold(parts[4], "observations") && parts[3] != "":
		return []target{{topic: topic, kind: kindQueue, id: parts[3]}}
	case len(parts) == 4 && strings.EqualFold(parts[0], "v2") && strings.EqualFold(parts[1], "users") && parts[2] != "":
		if k := userKind(parts[3]); k != kindNone {
			return []target{{topic: topic, kind: k, id: parts[2]}}
		}
	case len(parts) == 3 && strings.EqualFold(parts[0], "v2") && strings.EqualFold(parts[1], "users") && strings.Contains(parts[2], "?"):
		id, subs, _ := strings.Cut(parts[2], "?")
		if id == "" {
			return nil
		}
		var out []target
		for _, sub := range strings.Split(subs, "&") {
			if k := userKind(sub); k != kindNone {
				out = append(out, target{topic: "v2.users." + id + "." + sub, kind: k, id: id})
			}
		}
		return out
	}
	return nil
}

func userKind(sub string) kind {
	switch strings.ToLower(sub) {
	case "presence":
		return kindPresence
	case "routingstatus":
		return kindRoutingState
	case "activity":
		return kindActivity
	}
	return kindNone
}

// family names a kind's REST call in status and errors.
func (k kind) family() string {
	if k == kindQueue {
		return "queue observations"
	}
	return "users"
}
