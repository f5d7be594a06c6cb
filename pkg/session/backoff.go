package session

import "time"

// The backoff follows how long the connection has been down, not how many attempts
// failed: the ceiling is backoffGrowth of the downtime of this run of failures
// (between BackoffBase and BackoffCap), and the wait is drawn uniformly from its top
// third. So the retry in flight when an outage of length d ends comes at most 0.4·d
// after it (a 20 s outage: within 8 s), while an hour-long outage costs about 50
// attempts with the defaults (at most 55 in 5 000 simulated seeds, see BENCHMARKS.md).
// Counting attempts instead (exponential, full jitter) let a few quick failures at the
// start of a short outage push the next retry up to a minute past its end.
//
// A run of failures ends only after HealthyAfter of health, so a link that keeps
// dropping keeps its backoff; but only the time it was down counts, not the time it
// worked in between. Counting from the first failure made a channel expiry one minute
// after a 20 s outage wait 32–48 s (seen in the soak against a real Grafana), blind for
// the minute of good service before it. A link that drops as soon as it connects still
// backs off: each wait is down time, so the ceiling grows by 1.4× per drop.
const (
	backoffGrowth = 0.4       // ceiling as a fraction of the time failing so far
	backoffFloor  = 2.0 / 3.0 // the wait is at least this fraction of the ceiling
)

// backoffLocked counts an attempt and draws its delay (see backoffGrowth).
func (m *Manager) backoffLocked() time.Duration {
	now := m.cfg.Clock.Now()
	if m.attempt == 0 {
		m.downBefore, m.downSince = 0, now
	} else if m.downSince.IsZero() {
		m.downSince = now // down again before HealthyAfter of health: the same run
	}
	m.attempt++
	down := m.downBefore + now.Sub(m.downSince)
	ceil := time.Duration(float64(down) * backoffGrowth)
	ceil = min(max(ceil, m.cfg.BackoffBase), m.cfg.BackoffCap)
	low := time.Duration(float64(ceil) * backoffFloor)
	return low + time.Duration(m.cfg.Rand.Int63n(int64(ceil-low)+1))
}

// upLocked ends the current down period: its length counts towards the backoff of
// the next failure only if that comes before HealthyAfter of health.
func (m *Manager) upLocked(now time.Time) {
	if !m.downSince.IsZero() {
		m.downBefore += now.Sub(m.downSince)
		m.downSince = time.Time{}
	}
}
