package session

import (
	"fmt"
	"time"
)

// Eviction by other holders of the OAuth client (issue #23). Genesys keeps at most 20
// channels per OAuth client; creating a 21st silently removes the least recently used
// one. Every Grafana replica and every other application on the client draws from the
// same 20, so when they want more than 20 together, each replacement evicts someone
// else's channel, whose replacement evicts another: a loop of the same family as the
// seed's reconnect loop, measured in BENCHMARKS.md (three replicas with a budget of 8:
// about 580 channels an hour each, going on by themselves).
//
// A channel of ours has been evicted when it vanishes while we hold it: the socket
// closes and the upgrade, the subscription PUT or a HEAD answers 404 before the
// channel's expiry (a no_longer_subscribed is checked with a HEAD). Evictions are
// counted over a sliding hour. The first EvictionThreshold−1 are replaced as any lost
// channel is (the ordinary backoff). From the EvictionThreshold-th on the manager says
// so (status, health check, log) and paces replacements of vanished channels: each
// waits a hold after its eviction, and consecutive replacements are a hold apart; the
// hold is EvictionBackoff·2^k, capped at EvictionBackoffCap and drawn from its top
// third (jitter from the injected Rand), where k is the larger of (evictions in the
// hour − EvictionThreshold) and the paced replacements already made in the hour.
//
// The bound: in any hour the j-th paced replacement comes at least
// ⅔·min(EvictionBackoff·2^(j−1), EvictionBackoffCap) after the one before it; with the
// defaults (30 s, 5 min) the spacings are at least 40, 80, 160 s, then 200 s each, which
// add up to more than an hour by the 21st: at most 20 paced replacements an hour, plus
// the EvictionThreshold−1 evictions replaced at once (a replacement evicted before it
// took over counts as an eviction too), plus its ChannelBudget when it starts: at most
// ChannelBudget + 22 channel creations an hour for evictions, however often others
// create channels (TestEvictionPacingBound, TestEvictionByAnotherHolder). Each
// replacement is one channel at a time, so a manager never answers a burst of
// evictions with a burst of its own; whoever evicts it keeps its channel longer than
// before, and the loop slows down instead of going round. The price is blindness: the
// topics of a waiting channel stay in a gap for the hold (BENCHMARKS.md). Every interval a vanished channel's topics were
// blind is reported as a gap, as for any other lost socket (the gap opens when the
// socket closes and ends when the replacement is subscribed); the topics of a channel
// whose first creation was evicted before it took over are in the gap of topics still
// waiting for their first subscription (gaps.go). Waiting channels are replaced in turn
// (passOrderLocked), so none waits behind the others' evictions for ever.

// evictionFloor is the fraction of the hold the wait is at least (as backoffFloor).
const evictionFloor = 2.0 / 3.0

// vanishedLocked records that ch disappeared while we held it (a 404 for a channel
// not yet due to expire), once per channel. Past the threshold it sets ch's hold.
func (m *Manager) vanishedLocked(ch *channelState, how string) {
	now := m.cfg.Clock.Now()
	if ch.vanished || ch.id == "" || (!ch.expires.IsZero() && !now.Before(ch.expires.Add(-time.Minute))) {
		return // counted already, never created, or simply expired
	}
	ch.vanished = true
	m.evictions = append(pruneHour(m.evictions, now), now)
	n := len(m.evictions)
	if n < m.cfg.EvictionThreshold {
		m.cfg.Logger.Info("notification channel evicted (another holder of the OAuth client created a channel)",
			"channel", shortID(ch.id), "how", how, "evictionsLastHour", n)
		return
	}
	ch.holdUntil = now.Add(m.evictionHoldLocked(now))
	m.evictLast = ch.id
	m.cfg.Logger.Warn(m.evictionWarningLocked(n), "how", how, "replaceAt", ch.holdUntil.UTC().Format(time.RFC3339))
}

// evictionHoldLocked draws the hold for the next paced replacement.
func (m *Manager) evictionHoldLocked(now time.Time) time.Duration {
	m.paced = pruneHour(m.paced, now)
	k := max(len(pruneHour(m.evictions, now))-m.cfg.EvictionThreshold, len(m.paced), 0)
	d := m.cfg.EvictionBackoff
	for i := 0; i < k && d < m.cfg.EvictionBackoffCap; i++ {
		d *= 2
	}
	d = min(d, m.cfg.EvictionBackoffCap)
	low := time.Duration(float64(d) * evictionFloor)
	return low + time.Duration(m.cfg.Rand.Int63n(int64(d-low)+1))
}

// evictionWarningLocked is the warning of status, health check and log.
func (m *Manager) evictionWarningLocked(n int) string {
	client := m.cfg.ClientID
	if client == "" {
		client = "(unknown)"
	}
	return fmt.Sprintf("another holder of OAuth client %s evicted channel %s %d times in the last hour; plan channelBudget: replicas × budget + other applications ≤ 20",
		client, shortID(m.evictLast), n)
}

// evictionWaitLocked says until when the replacement of old must wait (zero: not).
func (m *Manager) evictionWaitLocked(old *channelState, now time.Time) time.Time {
	if !old.vanished || old.holdUntil.IsZero() {
		return time.Time{}
	}
	until := maxTime(old.holdUntil, m.evictNext)
	if now.Before(until) {
		return until
	}
	return time.Time{}
}

// pacedLocked notes a paced replacement: the next one waits another hold.
func (m *Manager) pacedLocked(now time.Time) {
	m.paced = append(pruneHour(m.paced, now), now)
	m.evictNext = now.Add(m.evictionHoldLocked(now))
}

// evictionsLocked returns the evictions of the last hour and the warning (empty below
// the threshold).
func (m *Manager) evictionsLocked(now time.Time) (int, string) {
	m.evictions = pruneHour(m.evictions, now)
	n := len(m.evictions)
	if n < m.cfg.EvictionThreshold {
		return n, ""
	}
	return n, m.evictionWarningLocked(n)
}

// pruneHour drops the times more than an hour before now (ts is in order).
func pruneHour(ts []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= time.Hour {
		i++
	}
	return append(ts[:0], ts[i:]...)
}

// errEvictionHold: a vanished channel's replacement waits (the loop skips it).
type errEvictionHold struct{ until time.Time }

func (e *errEvictionHold) Error() string {
	return "replacing an evicted channel at " + e.until.UTC().Format(time.RFC3339)
}

// heldLocked counts the vanished channels waiting for their hold, and the earliest end.
func (m *Manager) heldLocked(now time.Time) (int, time.Time) {
	n, first := 0, time.Time{}
	for _, ch := range m.channels {
		if until := m.evictionWaitLocked(ch, now); !until.IsZero() && ch.sock == nil {
			n++
			if first.IsZero() || until.Before(first) {
				first = until
			}
		}
	}
	return n, first
}
