package simulator

// Small builders for the JSON schemas of the topic catalogue (Genesys serves Jackson-style
// JSON schemas; only the shape matters to clients: nested properties with types).

type schema = map[string]any

func str() schema             { return schema{"type": "string"} }
func num() schema             { return schema{"type": "number"} }
func integer() schema         { return schema{"type": "integer"} }
func boolean() schema         { return schema{"type": "boolean"} }
func date() schema            { return schema{"type": "string", "format": "date-time"} }
func enum(v ...string) schema { return schema{"type": "string", "enum": v} }
func arr(items schema) schema { return schema{"type": "array", "items": items} }
func obj(props schema) schema { return schema{"type": "object", "properties": props} }
func root(urn string, props schema) schema {
	return schema{"id": "urn:jsonschema:com:inin:" + urn, "type": "object", "properties": props}
}

var systemPresences = []string{"AVAILABLE", "AWAY", "BUSY", "OFFLINE", "ON_QUEUE", "BREAK", "MEAL", "MEETING", "TRAINING", "IDLE"}

func observationSchema() schema {
	stats := obj(schema{"count": integer(), "sum": num(), "min": num(), "max": num(), "ratio": num(),
		"numerator": num(), "denominator": num(), "target": num(), "calculatedMetricValue": num()})
	metric := obj(schema{"metric": str(), "qualifier": str(), "stats": stats})
	return root("analytics:api:QueueObservationNotification", schema{
		"group": obj(schema{"queueId": str(), "mediaType": str()}),
		"data":  arr(obj(schema{"interval": str(), "metrics": arr(metric)})),
	})
}

func conversationSchema(urn string) schema {
	media := arr(obj(schema{"id": str(), "state": str(), "direction": str(), "held": boolean(), "muted": boolean(),
		"disconnectType": str(), "connectedTime": date(), "disconnectedTime": date()}))
	participant := obj(schema{"id": str(), "name": str(), "userId": str(), "queueId": str(), "purpose": str(),
		"address": str(), "connectedTime": date(), "endTime": date(), "wrapupRequired": boolean(),
		"calls": media, "chats": media, "emails": media, "messages": media, "callbacks": media})
	return root(urn, schema{"id": str(), "name": str(), "participants": arr(participant), "recordingState": str(),
		"address": str(), "externalTag": str(), "divisions": arr(obj(schema{"division": obj(schema{"id": str()}),
			"entities": arr(obj(schema{"id": str()}))}))})
}

func presenceSchema() schema {
	return root("presence:api:UserPresenceNotification", schema{
		"source":             str(),
		"presenceDefinition": obj(schema{"id": str(), "systemPresence": enum(systemPresences...)}),
		"primary":            boolean(), "message": str(), "modifiedDate": date(),
	})
}

func routingStatusSchema() schema {
	return root("routing:api:UserRoutingStatusNotification", schema{
		"id": str(),
		"routingStatus": obj(schema{"status": enum("OFF_QUEUE", "IDLE", "INTERACTING", "NOT_RESPONDING", "COMMUNICATING"),
			"startTime": date()}),
	})
}

func activitySchema() schema {
	return root("users:api:UserActivityNotification", schema{
		"id":                      str(),
		"routingStatus":           obj(schema{"status": str(), "startTime": date()}),
		"presence":                obj(schema{"presenceDefinition": obj(schema{"id": str(), "systemPresence": str()}), "modifiedDate": date()}),
		"outOfOffice":             obj(schema{"active": boolean()}),
		"activeQueueIds":          arr(str()),
		"dateActiveQueuesChanged": date(),
	})
}

// queueMemberSchema is QueueUserEventTopicQueueMember of the platform SDKs.
func queueMemberSchema() schema {
	return root("routing:api:QueueUserEventTopicQueueMember", schema{
		"id": str(), "user": obj(schema{"id": str()}), "queueId": str(), "joined": boolean(),
	})
}

func detailEventSchema(urn string, extra schema) schema {
	props := schema{"eventTime": integer(), "conversationId": str(), "participantId": str(), "sessionId": str(),
		"mediaType": str(), "direction": str(), "ani": str(), "dnis": str(), "queueId": str(), "divisionId": str(),
		"provider": str(), "addressFrom": str(), "addressTo": str()}
	for k, v := range extra {
		props[k] = v
	}
	return root("analytics:api:"+urn, props)
}

// customerStartSchema is CustomerStartDetailEventTopicCustomerStartEvent: the common detail
// fields without queueId, plus the customer's external contact and organisation.
func customerStartSchema() schema {
	s := detailEventSchema("CustomerStartEvent", schema{"externalContactId": str(), "externalOrganizationId": str()})
	delete(s["properties"].(schema), "queueId")
	return s
}
