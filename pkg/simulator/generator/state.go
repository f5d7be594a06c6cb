package generator

import (
	"fmt"
	"time"
)

type stat struct {
	count         int
	sum, min, max int64 // milliseconds
}

func (s *stat) add(d time.Duration) {
	ms := d.Milliseconds()
	if s.count == 0 || ms < s.min {
		s.min = ms
	}
	if ms > s.max {
		s.max = ms
	}
	s.count++
	s.sum += ms
}

type queueState struct {
	*Queue
	members                             []*agentState
	waiting                             []*conv
	alerting, interacting               int
	offered, answered, abandoned, inSL  int
	tAbandon, tAnswered, tWait, tHandle stat
	dirty                               bool // something observed changed
	aggDirty                            bool // an interval aggregate (n*, t*) changed
	lastPub                             time.Time
}

func (q *queueState) resetInterval() {
	q.offered, q.answered, q.abandoned, q.inSL = 0, 0, 0, 0
	q.tAbandon, q.tAnswered, q.tWait, q.tHandle = stat{}, stat{}, stat{}, stat{}
	q.dirty, q.aggDirty = true, true
}

type agentState struct {
	*Agent
	presence, routing  string
	since              time.Time // routing status start
	presenceSince      time.Time
	idleSince          time.Time
	conv               *conv
	wrapUntil          time.Time
	notRespondingUntil time.Time
	nextBreak          time.Time
	breakUntil         time.Time
}

type conv struct {
	id, customerPID, acdPID, agentPID string
	q                                 *queueState
	agent                             *agentState
	ani, dnis                         string
	arrived, abandonAt                time.Time
	alertUntil, connected, endAt      time.Time
	ended                             time.Time
	state                             string // waiting, alerting, connected, ended
	outcome                           string // "", ANSWERED, ABANDON
}

// maxWaiting bounds each queue's waiting list (benchmark rates with few agents would
// otherwise grow it without limit); callers beyond it get a busy signal and never arrive.
const maxWaiting = 10000

func (m *Model) arrive(q *queueState, t time.Time) {
	if len(q.waiting) >= maxWaiting {
		return
	}
	c := &conv{id: uuid(m.rng), customerPID: uuid(m.rng), acdPID: uuid(m.rng), q: q, arrived: t, state: "waiting",
		ani:  fmt.Sprintf("tel:+1%03d555%04d", 200+m.rng.IntN(700), m.rng.IntN(10000)),
		dnis: fmt.Sprintf("tel:+1800555%04d", 1000+m.rng.IntN(9000))}
	c.abandonAt = t.Add(max(5*time.Second, m.expDur(m.cfg.MeanPatience)))
	q.waiting = append(q.waiting, c)
	q.offered++
	q.dirty, q.aggDirty = true, true
	m.emit("v2.routing.queues."+q.ID+".conversations", m.queueConversation(c, t))
	m.emit("v2.detail.events.conversation."+q.ID+".customer.start", m.customerStart(c, t))
	m.emit("v2.detail.events.conversation."+q.ID+".acd.start", m.detail(c, c.acdPID, t,
		map[string]any{"routingPriority": 0, "requestedRoutingSkillIds": []string{}}))
}

func (m *Model) abandonImpatient(q *queueState, t time.Time) {
	kept := q.waiting[:0]
	for _, c := range q.waiting {
		if t.Before(c.abandonAt) {
			kept = append(kept, c)
			continue
		}
		c.state, c.outcome, c.ended = "ended", "ABANDON", t
		q.abandoned++
		q.tAbandon.add(t.Sub(c.arrived))
		q.tWait.add(t.Sub(c.arrived))
		q.dirty, q.aggDirty = true, true
		m.emit("v2.detail.events.conversation."+q.ID+".acd.end", m.detail(c, c.acdPID, t, map[string]any{"acdOutcome": "ABANDON"}))
		m.emit("v2.detail.events.conversation."+q.ID+".customer.end", m.detail(c, c.customerPID, t, map[string]any{"disconnectType": "peer"}))
		m.emit("v2.routing.queues."+q.ID+".conversations", m.queueConversation(c, t))
	}
	clear(q.waiting[len(kept):])
	q.waiting = kept
}

// assign offers waiting conversations to the longest-idle available members.
func (m *Model) assign(q *queueState, t time.Time) {
	for len(q.waiting) > 0 {
		var best *agentState
		for _, a := range q.members {
			if a.conv == nil && a.presence == "ON_QUEUE" && a.routing == "IDLE" && (best == nil || a.idleSince.Before(best.idleSince)) {
				best = a
			}
		}
		if best == nil {
			return
		}
		c := q.waiting[0]
		q.waiting = q.waiting[1:]
		c.state, c.agent, c.agentPID, c.alertUntil = "alerting", best, uuid(m.rng), t.Add(m.cfg.Alerting)
		best.conv = c
		q.alerting++
		q.dirty = true
		m.setRouting(best, "INTERACTING", t)
		m.emit("v2.routing.queues."+q.ID+".conversations", m.queueConversation(c, t))
		m.emit("v2.users."+best.ID+".conversations", m.queueConversation(c, t))
	}
}

func (m *Model) advanceAgent(a *agentState, t time.Time) {
	c := a.conv
	switch {
	case c != nil && c.state == "alerting" && !t.Before(c.alertUntil):
		c.q.alerting--
		c.q.dirty = true
		if m.rng.Float64() < m.cfg.NotResponding { // back to the head of the queue
			c.state, c.agent, a.conv = "waiting", nil, nil
			c.q.waiting = append([]*conv{c}, c.q.waiting...)
			a.notRespondingUntil = t.Add(10 * time.Second)
			m.setRouting(a, "NOT_RESPONDING", t)
			return
		}
		m.connect(a, c, t)
	case c != nil && c.state == "connected" && !t.Before(c.endAt):
		c.state, c.ended, a.wrapUntil = "ended", t, t.Add(m.cfg.WrapUp)
		c.q.interacting--
		c.q.dirty = true
		talk := t.Sub(c.connected)
		m.emit("v2.detail.events.conversation."+a.ID+".user.end", m.detail(c, c.agentPID, t, map[string]any{"userId": a.ID,
			"disconnectType": "client", "connectedDurationMs": talk.Milliseconds(), "interactingDurationMs": talk.Milliseconds()}))
		m.emit("v2.routing.queues."+c.q.ID+".conversations", m.queueConversation(c, t))
		m.emit("v2.users."+a.ID+".conversations", m.queueConversation(c, t))
	case c != nil && c.state == "ended" && !t.Before(a.wrapUntil):
		c.q.tHandle.add(t.Sub(c.connected))
		c.q.dirty, c.q.aggDirty = true, true
		m.emit("v2.detail.events.conversation."+a.ID+".acw", m.detail(c, c.agentPID, t, map[string]any{"userId": a.ID,
			"wrapupCode": "Resolved", "wrapupDurationMs": m.cfg.WrapUp.Milliseconds()}))
		a.conv, a.idleSince = nil, t
		if !t.Before(a.nextBreak) { // a break that fell due during the call starts now, not another call
			m.goAway(a, t)
			return
		}
		m.setRouting(a, "IDLE", t)
	case c == nil && a.routing == "NOT_RESPONDING" && !t.Before(a.notRespondingUntil):
		a.idleSince = t
		m.setRouting(a, "IDLE", t)
	case c == nil && a.presence == "ON_QUEUE" && a.routing == "IDLE" && !t.Before(a.nextBreak):
		m.goAway(a, t)
	case c == nil && a.presence != "ON_QUEUE" && !t.Before(a.breakUntil):
		a.nextBreak, a.idleSince = t.Add(max(time.Minute, m.expDur(m.cfg.MeanOnQueue))), t
		m.setPresence(a, "ON_QUEUE", t)
	}
}

// awayReasons are the presences an agent leaves the queue for, with their share of absences
// and their length relative to Config.MeanBreak. AVAILABLE and BUSY are off-queue work.
var awayReasons = []struct {
	presence string
	weight   float64
	length   float64
}{
	{"BREAK", 0.35, 1}, {"MEAL", 0.12, 2}, {"MEETING", 0.13, 1.5}, {"TRAINING", 0.1, 2},
	{"AVAILABLE", 0.15, 1}, {"BUSY", 0.05, 1}, {"AWAY", 0.1, 0.7},
}

// goAway takes an idle (or just wrapped-up) agent off the queue for one of awayReasons.
func (m *Model) goAway(a *agentState, t time.Time) {
	r, pick := awayReasons[len(awayReasons)-1], m.rng.Float64()
	for _, c := range awayReasons {
		if pick < c.weight {
			r = c
			break
		}
		pick -= c.weight
	}
	a.breakUntil = t.Add(max(time.Minute, m.expDur(time.Duration(float64(m.cfg.MeanBreak)*r.length))))
	m.setPresence(a, r.presence, t)
}

func (m *Model) connect(a *agentState, c *conv, t time.Time) {
	q := c.q
	c.state, c.outcome, c.connected = "connected", "ANSWERED", t
	c.endAt = t.Add(max(10*time.Second, m.expDur(m.cfg.MeanHandle)))
	q.interacting++
	wait := t.Sub(c.arrived)
	q.answered++
	q.tAnswered.add(wait)
	q.tWait.add(wait)
	q.dirty, q.aggDirty = true, true
	if wait <= m.cfg.ServiceLevelTarget {
		q.inSL++
	}
	m.emit("v2.detail.events.conversation."+q.ID+".acd.end", m.detail(c, c.acdPID, t, map[string]any{"acdOutcome": "ANSWERED",
		"answeredUserId": a.ID, "connectedDurationMs": wait.Milliseconds()}))
	m.emit("v2.detail.events.conversation."+a.ID+".user.start", m.detail(c, c.agentPID, t, map[string]any{"userId": a.ID}))
	m.emit("v2.routing.queues."+q.ID+".conversations", m.queueConversation(c, t))
	m.emit("v2.users."+a.ID+".conversations", m.queueConversation(c, t))
}

func (m *Model) setRouting(a *agentState, status string, t time.Time) {
	if a.routing == status {
		return
	}
	a.routing, a.since = status, t
	m.markQueues(a)
	m.emit("v2.users."+a.ID+".routingStatus", m.routingBody(a))
	m.emit("v2.users."+a.ID+".activity", m.activityBody(a))
}

func (m *Model) setPresence(a *agentState, presence string, t time.Time) {
	a.presence, a.presenceSince = presence, t
	m.emit("v2.users."+a.ID+".presence", m.presenceBody(a))
	status := "IDLE"
	if presence != "ON_QUEUE" {
		status = "OFF_QUEUE"
	}
	m.setRouting(a, status, t)
	for _, qid := range a.QueueIDs {
		m.emit("v2.routing.queues."+qid+".users", m.queueMemberBody(a, qid))
	}
}

func (m *Model) markQueues(a *agentState) {
	for _, qid := range a.QueueIDs {
		m.queueByID[qid].dirty = true
	}
}
