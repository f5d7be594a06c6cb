// Package frames turns Notification API events into Grafana data frames.
//
// Each topic family has its own shape and its own idea of time:
//
//	queue observations  v2.analytics.queues.{id}.observations  one numeric field per metric/stat,
//	                    time = arrival (observations carry no event timestamp)
//	queue conversations v2.routing.queues.{id}.conversations   a conversation summary row,
//	user conversations  v2.users.{id}.conversations            time = arrival
//	presence            v2.users.{id}.presence                 time = modifiedDate, else arrival
//	routing status      v2.users.{id}.routingStatus            time = routingStatus.startTime, else arrival
//	detail events       v2.detail.events.conversation.{id}.*   flattened, time = eventTime (epoch ms)
//	anything else       (queue users, user activity, ...)      flattened, time = eventTime if present, else arrival
//
// The entity id in the topic becomes a label (queueId, userId, conversationId) on
// every value field, so several topics of one query graph and alert as separate series.
package frames

import (
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Family is the kind of topic, which decides how its bodies become rows.
type Family string

const (
	QueueObservations  Family = "queueObservations"
	QueueConversations Family = "queueConversations"
	QueueUsers         Family = "queueUsers"
	UserPresence       Family = "userPresence"
	UserRoutingStatus  Family = "userRoutingStatus"
	UserActivity       Family = "userActivity"
	UserConversations  Family = "userConversations"
	DetailEvents       Family = "detailEvents"
	Other              Family = "other"
)

// Detect names the family of topic (case-insensitively) and the labels taken from
// the entity id in it.
func Detect(topic string) (Family, data.Labels) {
	parts := strings.Split(topic, ".")
	lower := strings.Split(strings.ToLower(topic), ".")
	at := func(i int, want string) bool { return i < len(lower) && lower[i] == want }
	switch {
	case len(parts) >= 5 && at(0, "v2") && at(1, "analytics") && at(2, "queues") && at(4, "observations"):
		return QueueObservations, data.Labels{"queueId": parts[3]}
	case len(parts) >= 5 && at(0, "v2") && at(1, "routing") && at(2, "queues"):
		labels := data.Labels{"queueId": parts[3]}
		switch lower[4] {
		case "conversations":
			return QueueConversations, labels
		case "users":
			return QueueUsers, labels
		}
		return Other, labels
	case len(parts) >= 4 && at(0, "v2") && at(1, "users"):
		labels := data.Labels{"userId": parts[2]}
		switch lower[3] {
		case "presence":
			return UserPresence, labels
		case "routingstatus":
			return UserRoutingStatus, labels
		case "activity":
			return UserActivity, labels
		case "conversations":
			return UserConversations, labels
		}
		return Other, labels
	case len(parts) >= 5 && at(0, "v2") && at(1, "detail") && at(2, "events") && at(3, "conversation"):
		return DetailEvents, data.Labels{"conversationId": parts[4]}
	}
	return Other, nil
}
