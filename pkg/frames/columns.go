package frames

// Columns lists the value columns (besides time) that frames of topic's family have, in
// the order an editor should offer them as field names: what the extractors of this
// package emit, not the paths of the event body. A name that stands for columns under
// it (oUserPresences: its qualifiers are the organisation's presence definition ids)
// keeps them all, as Options.Fields does. Columns returns nil for the families whose
// columns are the flattened body (queue users, user activity, detail events, others):
// for those the body's dotted paths are the columns.
func Columns(topic string) []string {
	fam, _ := Detect(topic)
	var cols []string
	switch fam {
	case QueueObservations:
		cols = observationColumns()
	case QueueConversations, UserConversations:
		cols = []string{"conversationId", "queueId", "participants.count", "purposes", "media", "states",
			"recordingState", "address", "externalTag"}
	case UserPresence:
		cols = []string{"systemPresence", "presenceId", "message", "primary", "source", "modifiedDate"}
	case UserRoutingStatus:
		cols = []string{"status", "startTime"}
	default:
		return nil
	}
	return cols
}

// observationColumns are the columns observations explode into: o* counts by their
// bare (qualified) name, every other statistic as metric.stat.
func observationColumns() []string {
	cols := []string{"oWaiting", "oInteracting", "oAlerting"}
	for _, st := range []string{"IDLE", "INTERACTING", "NOT_RESPONDING"} {
		cols = append(cols, "oOnQueueUsers."+st)
	}
	cols = append(cols, "oOffQueueUsers", "oActiveUsers", "oMemberUsers", "oUserPresences")
	for _, st := range []string{"OFF_QUEUE", "IDLE", "INTERACTING", "NOT_RESPONDING", "COMMUNICATING"} {
		cols = append(cols, "oUserRoutingStatuses."+st)
	}
	cols = append(cols, "oLongestWaiting.calculatedMetricValue",
		"oServiceLevel.ratio", "oServiceLevel.numerator", "oServiceLevel.denominator", "oServiceLevel.target",
		"nOffered.count")
	for _, m := range []string{"tAbandon", "tAnswered", "tHandle", "tWait"} {
		for _, st := range []string{"count", "sum", "min", "max"} {
			cols = append(cols, m+"."+st)
		}
	}
	return cols
}
