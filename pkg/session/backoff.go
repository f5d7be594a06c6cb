package session

import "time"

// The backoff follows how long the connection has been failing, not how many
// attempts failed: the ceiling is backoffGrowth of the time since the first failure
// (between BackoffBase and BackoffCap), and the wait is drawn uniformly from its top
// third. So the retry in flight when an outage of length d ends comes at most 0.4·d
// after it (a 20 s outage: within 8 s), while an hour-long outage costs about 50
// attempts with the defaults (at most 55 in 5 000 simulated seeds, see BENCHMARKS.md).
// Counting attempts instead (exponential, full jitter) let a few quick failures at the
// start of a short outage push the next retry up to a minute past its end.
const (
	backoffGrowth = 0.4       // ceiling as a fraction of the time failing so far
	backoffFloor  = 2.0 / 3.0 // the wait is at least this fraction of the ceiling
)

// backoffLocked counts an attempt and draws its delay (see backoffGrowth).
func (m *Manager) backoffLocked() time.Duration {
	now := m.cfg.Clock.Now()
	if m.attempt == 0 {
		m.failing = now
	}
	m.attempt++
	ceil := time.Duration(float64(now.Sub(m.failing)) * backoffGrowth)
	ceil = min(max(ceil, m.cfg.BackoffBase), m.cfg.BackoffCap)
	low := time.Duration(float64(ceil) * backoffFloor)
	return low + time.Duration(m.cfg.Rand.Int63n(int64(ceil-low)+1))
}
