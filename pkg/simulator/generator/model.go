package generator

import (
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// Config tunes the traffic. Zero fields take the defaults shown.
type Config struct {
	Rate               float64       // conversations arriving per second over all queues (0.2)
	Tick               time.Duration // how often the running generator steps the model on the clock (250ms)
	MeanHandle         time.Duration // mean talk time (2m)
	MeanPatience       time.Duration // mean time a caller waits before abandoning (90s)
	Alerting           time.Duration // ringing before an agent answers (4s)
	WrapUp             time.Duration // after-call work (15s)
	ServiceLevelTarget time.Duration // answered within this counts for oServiceLevel (20s)
	MeanOnQueue        time.Duration // mean time on queue before the next absence falls due (4m)
	MeanBreak          time.Duration // mean length of a short break; meals and training last longer (2m)
	NotResponding      float64       // share of offers an agent fails to answer (0.03)
}

func (c *Config) fill() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.Rate <= 0 {
		c.Rate = 0.2
	}
	def(&c.Tick, 250*time.Millisecond)
	def(&c.MeanHandle, 2*time.Minute)
	def(&c.MeanPatience, 90*time.Second)
	def(&c.Alerting, 4*time.Second)
	def(&c.WrapUp, 15*time.Second)
	def(&c.ServiceLevelTarget, 20*time.Second)
	// Compressed from a real centre's rhythm (a break every hour or two) so that a demo
	// dashboard shows each agent's presence change within a few minutes.
	def(&c.MeanOnQueue, 4*time.Minute)
	def(&c.MeanBreak, 2*time.Minute)
	if c.NotResponding <= 0 {
		c.NotResponding = 0.03
	}
}

// Event is one notification the model produced.
type Event struct {
	Topic string
	Body  any
}

const (
	maxStep    = time.Second // the model advances at most this much per sub-step
	maxCatchUp = time.Hour   // a longer jump of the clock skips ahead
	interval   = 30 * time.Minute
)

// Model is the contact centre's state. Safe for concurrent use.
type Model struct {
	mu            sync.Mutex
	cfg           Config
	rng           *rand.Rand
	pop           Population
	queues        []*queueState
	queueByID     map[string]*queueState
	agents        []*agentState
	agentByID     map[string]*agentState
	last          time.Time
	intervalStart time.Time
	out           []Event
	subSteps      int64 // advance calls so far: the work Step did, for tests of its bounds
}

// NewModel starts the contact centre at start with every agent on queue and idle.
func NewModel(pop Population, seed int64, cfg Config, start time.Time) *Model {
	cfg.fill()
	m := &Model{cfg: cfg, rng: rand.New(rand.NewPCG(uint64(seed), 0x2545f4914f6cdd1d)), pop: pop,
		queueByID: map[string]*queueState{}, agentByID: map[string]*agentState{}, last: start, intervalStart: start.Truncate(interval)}
	for i := range pop.Queues {
		q := &queueState{Queue: &m.pop.Queues[i]}
		m.queues = append(m.queues, q)
		m.queueByID[q.ID] = q
	}
	for i := range pop.Agents {
		a := &agentState{Agent: &m.pop.Agents[i], presence: "ON_QUEUE", routing: "IDLE", since: start, presenceSince: start, idleSince: start}
		a.nextBreak = start.Add(m.expDur(cfg.MeanOnQueue))
		m.agents = append(m.agents, a)
		m.agentByID[a.ID] = a
		for _, qid := range a.QueueIDs {
			m.queueByID[qid].members = append(m.queueByID[qid].members, a)
		}
	}
	return m
}

// SetConfig changes the traffic parameters from now on (zero fields take defaults).
func (m *Model) SetConfig(cfg Config) {
	cfg.fill()
	m.mu.Lock()
	m.cfg = cfg
	m.mu.Unlock()
}

// Population is the model's queues and agents.
func (m *Model) Population() Population { return m.pop }

// Step advances the model to now and returns the events it produced, in order.
func (m *Model) Step(now time.Time) []Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !now.After(m.last) {
		return nil
	}
	if now.Sub(m.last) > maxCatchUp {
		m.last = now.Add(-maxCatchUp)
	}
	m.out = nil
	for m.last.Before(now) {
		t := m.last.Add(maxStep)
		if t.After(now) {
			t = now
		}
		m.advance(t, t.Sub(m.last))
		m.subSteps++
		m.last = t
	}
	return m.out
}

// maxEventsPerStep bounds what one Step returns; a long jump of the clock at a high rate
// advances the model fully but keeps only the first events (the rest are lost, as events
// nobody was connected for are lost upstream).
const maxEventsPerStep = 200000

func (m *Model) emit(topic string, body any) {
	if len(m.out) < maxEventsPerStep {
		m.out = append(m.out, Event{Topic: topic, Body: body})
	}
}

// advance moves every conversation and agent to time t, dt after the previous sub-step.
func (m *Model) advance(t time.Time, dt time.Duration) {
	if t.Sub(m.intervalStart) >= interval {
		m.intervalStart = t.Truncate(interval)
		for _, q := range m.queues {
			q.resetInterval()
		}
	}
	var totalWeight float64
	for _, q := range m.queues {
		totalWeight += q.Weight
	}
	for _, q := range m.queues {
		lambda := m.cfg.Rate * q.Weight / totalWeight * dt.Seconds()
		for k := m.poisson(lambda); k > 0; k-- {
			m.arrive(q, t)
		}
		m.abandonImpatient(q, t)
	}
	for _, a := range m.agents {
		m.advanceAgent(a, t)
	}
	for _, q := range m.queues {
		m.assign(q, t)
	}
	// Published after every queue's assignments: an agent in several queues changes them all,
	// and each notification must carry the state the REST observations query reports now.
	for _, q := range m.queues {
		m.publishObservations(q, t)
	}
}

// poisson draws a Poisson-distributed count (Knuth; lambda is small per sub-step).
func (m *Model) poisson(lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 { // normal approximation for benchmark rates
		n := int(math.Round(lambda + math.Sqrt(lambda)*m.rng.NormFloat64()))
		return max(n, 0)
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= m.rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func (m *Model) expDur(mean time.Duration) time.Duration {
	return time.Duration(m.rng.ExpFloat64() * float64(mean))
}
