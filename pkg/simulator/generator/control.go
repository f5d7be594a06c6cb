package generator

import (
	"strings"
	"time"
)

// Direct control of the model for tests and demos that need a known state: a queue
// with exactly n callers waiting, an agent in a given presence. Each returns the
// notifications the change causes (what the service would publish), or false for an
// unknown id. Callers added here never abandon, so with the generator stopped the
// state holds for as long as the test needs ("a quiet queue").

// SetWaiting makes queueID have n waiting callers.
func (m *Model) SetWaiting(queueID string, n int, t time.Time) ([]Event, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	q := m.queueByID[queueID]
	if q == nil || n < 0 || n > maxWaiting {
		return nil, false
	}
	m.out = nil
	for len(q.waiting) < n {
		m.arrive(q, t)
		q.waiting[len(q.waiting)-1].abandonAt = never
	}
	for len(q.waiting) > n { // the newest hang up
		c := q.waiting[len(q.waiting)-1]
		c.abandonAt = t
		m.abandonImpatient(q, t)
	}
	q.lastPub = time.Time{} // publish now, whatever the once-a-second pace
	m.publishObservations(q, t)
	return m.out, true
}

// SetPresence puts userID in a system presence ("ON_QUEUE", "AVAILABLE", ...); the
// routing status follows as it does in the service (IDLE on queue, OFF_QUEUE off it).
func (m *Model) SetPresence(userID, presence string, t time.Time) ([]Event, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a := m.agentByID[userID]
	presence = strings.ToUpper(strings.ReplaceAll(presence, " ", "_"))
	if a == nil || presenceIDs[presence] == "" {
		return nil, false
	}
	m.out = nil
	m.setPresence(a, presence, t)
	for _, qid := range a.QueueIDs {
		q := m.queueByID[qid]
		q.lastPub = time.Time{}
		m.publishObservations(q, t)
	}
	return m.out, true
}

// never is a time no test reaches.
var never = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
