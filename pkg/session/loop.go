package session

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
)

// run is the loop: do what is due, then wait on exactly one clock timer (or a poke).
// While it waits the manager holds one waiter on the clock, which tests use with
// clockwork's BlockUntilContext.
func (m *Manager) run() {
	defer m.loopWG.Done()
	for {
		m.step()
		if m.ctx.Err() != nil {
			return
		}
		t := m.cfg.Clock.NewTimer(m.nextWake())
		select {
		case <-m.ctx.Done():
			t.Stop()
			return
		case <-m.wake:
		case <-t.Chan():
		}
		t.Stop()
	}
}

// step handles reader notes and the watchdog, then (unless backing off) makes every
// channel connected and subscribed.
func (m *Manager) step() {
	m.processNotes()
	m.watchdog()
	m.drainRetired()
	m.reportWaiting()
	now := m.cfg.Clock.Now()
	m.mu.Lock()
	if now.Before(m.nextTry) {
		tok, id, due := m.probeDueLocked(now)
		m.mu.Unlock()
		if !due {
			return
		}
		if !m.probeUpstream(tok, id) {
			m.mu.Lock()
			m.scheduleProbeLocked(m.cfg.Clock.Now())
			m.mu.Unlock()
			return
		}
		m.mu.Lock()
		m.cfg.Logger.Info("notification session: the service answers again; reconnecting now", "backoffLeft", m.nextTry.Sub(now).Round(time.Second).String())
		m.nextTry = now
	}
	sts, drop := m.assignLocked()
	channels := m.passOrderLocked()
	m.mu.Unlock()
	m.emit(nil, nil, sts)
	for _, s := range drop {
		s.closeGracefully()
	}
	if len(channels) == 0 {
		m.idleStep()
		return
	}
	for _, ch := range channels {
		if m.ctx.Err() != nil {
			return
		}
		err := m.ensure(m.ctx, ch)
		var hold *errEvictionHold
		if errors.As(err, &hold) {
			continue // an evicted channel waits for its hold; the others carry on
		}
		if err != nil {
			m.mu.Lock()
			m.failedLast = ch // the next pass serves the others first
			m.mu.Unlock()
			m.fail(err)
			return
		}
	}
	m.succeed(len(channels))
}

// passOrderLocked lists the channels in the order a pass of the loop handles them: the
// evicted channels waiting for a paced replacement after the others, the one whose hold
// ended first at their head. Paced replacements are a hold apart (evictNext), so the
// first waiting channel a pass reaches takes the slot. In list order that was always
// the same few: with more channels wanted than the client has, the budget's last
// channel (its replacement evicted before it took over, again and again) waited a whole
// simulated run behind the others' evictions, its topics never subscribed (issue #23,
// BENCHMARKS.md). First come, first served bounds every channel's wait instead.
//
// A pass also stops at the first failure (the backoff then runs), so the channel whose
// handshake failed last goes after the others: one channel whose subscription keeps
// failing cannot keep the others from reconnecting.
func (m *Manager) passOrderLocked() []*channelState {
	out := append([]*channelState(nil), m.channels...)
	group := func(ch *channelState) int {
		switch {
		case ch.vanished && !ch.holdUntil.IsZero():
			return 2 // waits for a paced replacement
		case ch == m.failedLast:
			return 1
		}
		return 0
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ga, gb := group(a), group(b); ga != gb {
			return ga < gb
		}
		return group(a) == 2 && a.holdUntil.Before(b.holdUntil)
	})
	return out
}

// succeed records a pass with every channel connected.
func (m *Manager) succeed(channels int) {
	now := m.cfg.Clock.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lastError = ""
	reason := "no topics acquired"
	if channels > 0 {
		reason = fmt.Sprintf("%d channel(s), %d topic(s)", channels, m.assignedLocked())
	}
	if e := m.lifetimeErrorLocked(); e != nil && channels > 0 {
		reason += "; " + e.Error() // it works for now, but the settings need changing
	}
	state := StateConnected
	if held, until := m.heldLocked(now); held > 0 {
		state = StateReconnecting
		reason = fmt.Sprintf("%d evicted channel(s) wait to be replaced (the next at %s)", held, until.UTC().Format(time.RFC3339))
	}
	if _, warning := m.evictionsLocked(now); warning != "" && channels > 0 {
		reason += "; " + warning // connected again, but the plan needs fixing
	}
	m.setStateLocked(state, reason)
	m.probing = false
	if m.healthy.IsZero() {
		m.healthy = now
	}
	m.upLocked(now)
	if m.attempt > 0 && now.Sub(m.healthy) >= m.cfg.HealthyAfter {
		m.attempt = 0 // healthy long enough: the next failure starts the backoff afresh
	}
}

func (m *Manager) assignedLocked() int {
	n := 0
	for _, ch := range m.channels {
		n += len(ch.topics)
	}
	return n
}

// fail schedules the next attempt: the backoff (backoffLocked; at least the
// server's Retry-After), or AuthFailureBackoff when the credentials were refused.
func (m *Manager) fail(err error) {
	if m.ctx.Err() != nil {
		return
	}
	now := m.cfg.Clock.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if !errors.Is(err, ErrTokenLifetime) {
		m.ctr.add(&m.ctr.failures, 1)
	}
	var short *TokenLifetimeError
	if errors.As(err, &short) && !short.Until.IsZero() {
		// Not an upstream failure: wait for the next channel allowed, keep the attempt
		// count, and say why (events still flow on every channel that has a socket).
		m.lastError = err.Error()
		state, reason := StateConnected, err.Error()
		for _, ch := range m.channels {
			if ch.sock == nil {
				state = StateReconnecting
			}
		}
		if state == StateReconnecting { // say it: no socket is open, and until when
			reason = fmt.Sprintf("no socket open: the next channel is allowed at %s; %s", short.Until.UTC().Format(time.RFC3339), err)
		}
		if !m.nextTry.Equal(short.Until) {
			m.cfg.Logger.Warn("notification session: waiting for the next channel allowed",
				"until", short.Until.UTC().Format(time.RFC3339), "socketOpen", state == StateConnected, "reason", err.Error())
		}
		m.nextTry, m.probing = short.Until, false // a pace, not an outage: nothing to probe for
		m.setStateLocked(state, reason)
		return
	}
	m.healthy = time.Time{}
	m.lastError = err.Error()
	if errors.Is(err, auth.ErrAuth) || errors.Is(err, errFreshTokenRejected) {
		m.probing = false // the service answers; it is the credentials: only the auth backoff
		m.ctr.add(&m.ctr.authFailures, 1)
		m.nextTry = now.Add(m.cfg.AuthFailureBackoff)
		m.setStateLocked(StateAuthFailed, err.Error())
		m.cfg.Logger.Error("notification session: authentication failed", "error", err.Error(), "retryIn", m.cfg.AuthFailureBackoff.String())
		return
	}
	d := m.backoffLocked()
	ra := max(genesys.RetryAfter(err), auth.RetryAfter(err))
	if ra > d {
		d = ra
	}
	m.nextTry, m.holdUntil = now.Add(d), now.Add(ra)
	m.scheduleProbeLocked(now)
	m.setStateLocked(StateReconnecting, err.Error())
	m.cfg.Logger.Warn("notification session: connection attempt failed", "error", err.Error(), "attempt", m.attempt, "retryIn", d.String())
}

// processNotes reacts to what the readers saw.
func (m *Manager) processNotes() {
	now := m.cfg.Clock.Now()
	var gaps []event.Gap
	m.mu.Lock()
	notes := m.notes
	m.notes = nil
	lost := false
	for _, n := range notes {
		s, ch := n.sock, n.sock.ch
		if n.kind == "lost" && s.retired.Load() {
			m.dropRetiredLocked(s)
			gaps = append(gaps, m.retiredLostLocked(s)...)
			continue
		}
		if ch.sock != s || !m.hasChannelLocked(ch) {
			continue // a socket we already replaced
		}
		switch n.kind {
		case "lost":
			ch.sock = nil
			if s.gotAny.Load() {
				ch.drops = 0
			} else {
				ch.drops++
			}
			gaps = append(gaps, m.openGapsLocked(ch, n.reason, now)...)
			lost = true
			m.cfg.Logger.Warn("notification socket lost", "reason", n.reason, "channel", shortID(ch.id))
		case "socket_closing":
			ch.replace = n.reason
		case "no_longer_subscribed":
			gaps = append(gaps, m.openGapsLocked(ch, n.reason, now)...)
			ch.replace, ch.checkGone = n.reason, true
		case "token_revoked":
			m.cfg.Auth.Invalidate(ch.token.Value)
			gaps = append(gaps, m.openGapsLocked(ch, n.reason, now)...)
			ch.gone = true
		}
	}
	if lost && now.After(m.nextTry) {
		m.healthy = time.Time{}
		m.nextTry = now.Add(m.backoffLocked())
		m.scheduleProbeLocked(now)
		m.setStateLocked(StateReconnecting, "socket lost")
	}
	m.mu.Unlock()
	m.emit(nil, gaps, nil)
}

func (m *Manager) hasChannelLocked(ch *channelState) bool {
	for _, c := range m.channels {
		if c == ch {
			return true
		}
	}
	return false
}

// idleStep runs when no topic is acquired: nothing needs a connection, but a data
// source whose credentials are wrong or whose login service cannot be reached must
// not look connected to the status query and its alert rule. The token is fetched
// once (again after each Acquire or Check); a failure stays the state, without
// retries in the background, until a topic or a health check asks again: an unused
// data source (or a deleted one, which Grafana never tells the plugin about) makes no
// calls.
func (m *Manager) idleStep() {
	m.mu.Lock()
	checked, failed := m.idleChecked, m.idleErr
	m.mu.Unlock()
	if !checked {
		_, failed = m.cfg.Auth.Token(m.ctx)
		if m.ctx.Err() != nil {
			return
		}
		m.mu.Lock()
		m.idleChecked, m.idleErr = true, failed
		m.mu.Unlock()
		if failed != nil {
			m.cfg.Logger.Warn("notification session: signing in failed (no topic in use; checked again when one is)", "error", failed.Error())
		}
	}
	if failed == nil {
		m.succeed(0)
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lastError = failed.Error()
	state := StateReconnecting
	if errors.Is(failed, auth.ErrAuth) {
		state = StateAuthFailed
	}
	m.setStateLocked(state, "signing in failed: "+failed.Error())
}
