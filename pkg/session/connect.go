package session

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
)

// ensure brings ch to "connected, subscribed, not about to expire". The token is judged
// once, here, with the one freshness rule (fresh): a token good enough to start a
// handshake is good enough for each of its steps (the seed thread's fix, without
// refusing a token it was just handed).
func (m *Manager) ensure(ctx context.Context, ch *channelState) error {
	now := m.cfg.Clock.Now()
	m.mu.Lock()
	extend := ch.id != "" && !now.Before(m.extendAt(ch))
	handshake := ch.sock == nil || ch.dirty || ch.resubscribe || extend
	// A short-lived token's channel keeps its open socket past the token; it moves to a
	// new channel only when a handshake needs a fresh token.
	stale := ch.id != "" && !m.fresh(ch.token, now) && (handshake || !now.Before(m.rotateAt(ch)))
	replace := ch.id == "" || ch.gone || ch.replace != "" || stale
	checkGone := ch.checkGone && !ch.vanished
	m.mu.Unlock()
	if checkGone { // no_longer_subscribed: a channel that is gone was evicted
		err := m.cfg.API.HeadChannel(ctx, ch.token.Value, ch.id)
		m.mu.Lock()
		ch.checkGone = false
		if errors.Is(err, genesys.ErrNotFound) {
			m.vanishedLocked(ch, "no_longer_subscribed, then HEAD answered 404")
			ch.gone = true
		}
		m.mu.Unlock()
	}
	if replace {
		return m.replaceChannel(ctx, ch)
	}
	if ch.sock == nil {
		replaced, err := m.reconnect(ctx, ch)
		if err != nil || replaced {
			return err // a replacement is connected and subscribed: ch is no more
		}
	}
	if !handshake {
		return nil
	}
	err := m.subscribe(ctx, ch)
	if genesys.IsAuth(err) || errors.Is(err, genesys.ErrNotFound) {
		if genesys.IsAuth(err) {
			m.cfg.Auth.Invalidate(ch.token.Value)
		} else {
			m.vanished(ch, "subscription answered 404")
		}
		m.markGone(ch)
		return m.replaceChannel(ctx, ch)
	}
	if err == nil && extend {
		m.mu.Lock()
		if !m.cfg.Clock.Now().Before(m.extendAt(ch)) {
			ch.replace = "channel expiring" // the PUT did not extend it: move to a new channel
		}
		m.mu.Unlock()
	}
	return err
}

func (m *Manager) markGone(ch *channelState) {
	m.mu.Lock()
	ch.gone = true
	m.mu.Unlock()
}

// lostFresh: nc, created to replace old, was evicted before it took over. It counts
// as an eviction, and old's next replacement is paced like nc's would have been, so
// replacements whose channels are taken at once cannot add up unpaced.
func (m *Manager) lostFresh(old, nc *channelState, how string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.vanishedLocked(nc, how)
	if !nc.holdUntil.IsZero() {
		old.vanished, old.holdUntil = true, maxTime(old.holdUntil, nc.holdUntil)
	}
}

// vanished records that ch answered 404 while we held it (evict.go).
func (m *Manager) vanished(ch *channelState, how string) {
	m.mu.Lock()
	m.vanishedLocked(ch, how)
	m.mu.Unlock()
}

// reconnect opens a new socket on an existing channel. After sockets that died before
// their first message it asks the channel first (HEAD): a dead channel or token is
// replaced instead of being dialled in a loop. An upgrade refused with 401/403 (a
// token revoked or expired server-side while the client still trusts it) or 404
// replaces the channel at once, with a new token for 401/403. replaced reports that
// ch was given up for a new channel (connected and subscribed when err is nil).
func (m *Manager) reconnect(ctx context.Context, ch *channelState) (replaced bool, err error) {
	if ch.drops > 0 {
		err := m.cfg.API.HeadChannel(ctx, ch.token.Value, ch.id)
		switch {
		case genesys.IsAuth(err):
			m.cfg.Auth.Invalidate(ch.token.Value)
			fallthrough
		case errors.Is(err, genesys.ErrNotFound) || ch.drops >= 3:
			if err != nil {
				m.vanished(ch, "HEAD answered 404")
			}
			m.markGone(ch)
			return true, m.replaceChannel(ctx, ch)
		case err != nil:
			return false, err
		}
	}
	sock, err := m.dial(ctx, ch)
	var he *errHandshake
	if errors.As(err, &he) && (he.status == http.StatusUnauthorized || he.status == http.StatusForbidden || he.status == http.StatusNotFound) {
		if he.status != http.StatusNotFound {
			m.cfg.Auth.Invalidate(ch.token.Value)
		} else {
			m.vanished(ch, "socket upgrade answered 404")
		}
		m.markGone(ch)
		return true, m.replaceChannel(ctx, ch)
	}
	if err != nil {
		return false, err
	}
	m.ctr.add(&m.ctr.reconnects, 1)
	m.mu.Lock()
	ch.sock, ch.resubscribe = sock, true
	m.mu.Unlock()
	return false, nil
}

// replaceChannel builds a new channel for old's topics (token checked, created,
// socket connected, subscribed) and only then swaps it in, so a still-working old
// socket keeps delivering until the new one is ready (duplicates are dropped).
func (m *Manager) replaceChannel(ctx context.Context, old *channelState) error {
	m.mu.Lock()
	if err := m.shortWaitLocked(m.cfg.Clock.Now()); err != nil {
		m.mu.Unlock()
		return err
	}
	if until := m.evictionWaitLocked(old, m.cfg.Clock.Now()); !until.IsZero() {
		m.mu.Unlock()
		return &errEvictionHold{until: until}
	}
	paced := old.vanished && !old.holdUntil.IsZero()
	why := old.replace
	nc := &channelState{topics: append([]string(nil), old.topics...), dirty: true}
	old.dirty = false // nc takes this list; a release meanwhile sets it again
	m.mu.Unlock()
	c, tok, err := m.createChannel(ctx)
	if err != nil {
		return err
	}
	if paced { // the next paced replacement waits another hold, even if this one fails below
		m.mu.Lock()
		m.pacedLocked(m.cfg.Clock.Now())
		m.mu.Unlock()
	}
	nc.id, nc.uri, nc.expires, nc.token = c.ID, c.ConnectURI, c.Expires, tok
	nc.lifetime = c.Expires.Sub(m.cfg.Clock.Now())
	if nc.lifetime <= 0 {
		nc.lifetime = defaultChannelLifetime
	}
	sock, err := m.dial(ctx, nc)
	var he *errHandshake
	if errors.As(err, &he) && (he.status == http.StatusUnauthorized || he.status == http.StatusForbidden) {
		m.cfg.Auth.Invalidate(tok.Value)
		return fmt.Errorf("%w: %v", errFreshTokenRejected, err)
	}
	if errors.As(err, &he) && he.status == http.StatusNotFound {
		m.lostFresh(old, nc, "the new channel's socket upgrade answered 404")
	}
	if err != nil {
		return err
	}
	nc.sock = sock
	if err := m.subscribe(ctx, nc); err != nil {
		sock.close()
		if genesys.IsAuth(err) {
			m.cfg.Auth.Invalidate(tok.Value)
			return fmt.Errorf("%w: %v", errFreshTokenRejected, err)
		}
		if errors.Is(err, genesys.ErrNotFound) {
			m.lostFresh(old, nc, "the new channel's subscription answered 404")
		}
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, ch := range m.channels {
		if ch == old {
			m.channels[i] = nc
		}
	}
	for _, k := range nc.topics {
		if r := m.topics[k]; r != nil && r.ch == old {
			r.ch = nc
		}
	}
	if old.dirty {
		nc.dirty = true // topics changed while we built it
	}
	if old.sock != nil {
		now := m.cfg.Clock.Now()
		old.sock.retired.Store(true)
		old.sock.retiredAt, old.sock.drainAt = now, now.Add(m.cfg.DrainPeriod)
		m.retired = append(m.retired, old.sock)
	}
	if why != "" {
		m.cfg.Logger.Info("replaced notification channel", "reason", why, "channel", shortID(nc.id))
	}
	return nil
}

// subscribe PUTs ch's full topic list (ignoreErrors), reports each topic's verdict and
// closes the gaps of its topics: from here on events flow again.
func (m *Manager) subscribe(ctx context.Context, ch *channelState) error {
	now := m.cfg.Clock.Now()
	m.mu.Lock()
	names := m.namesLocked(ch)
	ch.dirty = false
	m.mu.Unlock()
	subs, err := m.cfg.API.ReplaceSubscriptions(ctx, ch.token.Value, ch.id, names, true)
	m.ctr.add(&m.ctr.subscribes, 1)
	if err != nil {
		m.mu.Lock()
		ch.dirty = true
		m.mu.Unlock()
		return err
	}
	verdict := map[string]genesys.Subscription{}
	for _, s := range subs {
		verdict[event.Key(s.ID)] = s
	}
	var sts []event.TopicStatus
	var rejectedGaps []event.Gap
	m.mu.Lock()
	expires := m.cfg.Clock.Now().Add(ch.lifetime)
	if expires.After(ch.expires) {
		ch.expires = expires // a PUT extends the channel's life (24 h)
	}
	ch.resubscribe = false
	live := ch.topics[:0]
	for _, k := range ch.topics {
		r := m.topics[k]
		if r == nil {
			continue
		}
		if v, ok := verdict[k]; ok && v.Rejected() {
			r.status = event.TopicStatus{Topic: r.name, State: event.StateRejected, Reason: v.RejectionReason,
				MissingPermissions: v.MissingPermissions}
			r.ch = nil
			m.ctr.add(&m.ctr.rejectedTopics, 1)
			sts = append(sts, r.status)
			if g, open := m.openGaps[k]; open {
				rejectedGaps = append(rejectedGaps, m.closeGapLocked(k, g, now))
			}
			continue
		}
		live = append(live, k)
		if r.status.State != event.StatePermitted {
			r.status = event.TopicStatus{Topic: r.name, State: event.StatePermitted}
			sts = append(sts, r.status)
		}
	}
	ch.topics = live
	gaps := rejectedGaps
	if ch.sock != nil {
		gaps = append(gaps, m.closeGapsLocked(ch.topics, m.cfg.Clock.Now())...)
	}
	m.mu.Unlock()
	m.emit(nil, gaps, sts)
	return nil
}

// defaultChannelLifetime is how long a channel lives after a PUT when its creation
// response said nothing usable (Genesys: 24 h).
const defaultChannelLifetime = 24 * time.Hour

// extendAt is when ch's subscriptions are re-PUT to extend its life: ExtendBefore
// ahead of expiry (at most half its lifetime, so short-lived channels do not PUT in
// a loop). Never when the channel is rotated (rotateAt) before it expires: the PUT
// would be wasted. Call with m.mu held or from the loop.
func (m *Manager) extendAt(ch *channelState) time.Time {
	lead := m.cfg.ExtendBefore
	if ch.lifetime > 0 && lead > ch.lifetime/2 {
		lead = ch.lifetime / 2
	}
	if m.rotateAt(ch).Before(ch.expires) {
		return never // replaced at the token's margin instead
	}
	return ch.expires.Add(-lead)
}

// never is a time no deadline reaches.
var never = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
