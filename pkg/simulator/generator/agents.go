package generator

import "time"

// AgentStatus is what the REST user expansions (presence, routingStatus) report for an
// agent at the model's current time.
type AgentStatus struct {
	Presence       string // system presence, e.g. "ON_QUEUE", "BREAK"
	PresenceID     string // the presence definition's id
	PresenceSince  time.Time
	Routing        string // "IDLE", "INTERACTING", "OFF_QUEUE", ...
	RoutingSince   time.Time
	ActiveQueueIDs []string
}

// AgentStatus returns the agent's current presence and routing status; false for an unknown id.
func (m *Model) AgentStatus(id string) (AgentStatus, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a := m.agentByID[id]
	if a == nil {
		return AgentStatus{}, false
	}
	st := AgentStatus{Presence: a.presence, PresenceID: presenceIDs[a.presence], PresenceSince: a.presenceSince,
		Routing: a.routing, RoutingSince: a.since}
	if a.presence == "ON_QUEUE" {
		st.ActiveQueueIDs = append(st.ActiveQueueIDs, a.QueueIDs...)
	}
	return st, true
}
