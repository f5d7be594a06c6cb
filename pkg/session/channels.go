package session

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
)

// channelState is one notification channel and its socket. Fields are read and written
// by the loop under m.mu (the loop is the only writer apart from release's dirty flag).
type channelState struct {
	id, uri     string
	expires     time.Time
	lifetime    time.Duration // from creation to expiry: a PUT extends by this much
	token       auth.Token    // the token that created the channel: it owns it
	topics      []string      // keys of the topics assigned here
	sock        *socketConn
	dirty       bool      // topic list changed: PUT needed
	resubscribe bool      // new socket: PUT the full list again
	replace     string    // why the channel must be replaced (make-before-break); "" = keep
	gone        bool      // unusable (404, 401/403): replace, nothing to overlap with
	drops       int       // sockets lost before their first message, in a row
	checkGone   bool      // no_longer_subscribed: ask (HEAD) whether the channel still exists before replacing it
	vanished    bool      // it disappeared while we held it: evicted (evict.go)
	holdUntil   time.Time // past the eviction threshold: not replaced before this
}

const budgetReason = "channel budget reached"

// errFreshTokenRejected: a token fetched moments ago was refused too, so the
// credentials (or their permissions) are wrong, not merely stale.
var errFreshTokenRejected = errors.New("the service rejected a freshly issued token")

// assignLocked fits acquired topics into channels (≤ MaxTopicsPerChannel each, ≤
// ChannelBudget channels), drops released ones and forgets empty channels. It returns
// the topic statuses that changed and the sockets of dropped channels.
func (m *Manager) assignLocked() ([]event.TopicStatus, []*socketConn) {
	var changed []event.TopicStatus
	var drop []*socketConn
	keep := m.channels[:0]
	for _, ch := range m.channels {
		live := ch.topics[:0]
		for _, k := range ch.topics {
			if r := m.topics[k]; r != nil && r.ch == ch {
				live = append(live, k)
			} else {
				ch.dirty = true
			}
		}
		ch.topics = live
		if len(ch.topics) == 0 {
			if ch.sock != nil {
				drop = append(drop, ch.sock)
			}
			continue
		}
		keep = append(keep, ch)
	}
	m.channels = keep
	var waiting []string
	for k, r := range m.topics {
		if r.ch == nil && (r.status.State == event.StatePending || r.status.Reason == budgetReason) {
			waiting = append(waiting, k)
		}
	}
	sort.Strings(waiting) // deterministic placement
	for _, k := range waiting {
		r := m.topics[k]
		if why := invalidTopic(r.name); why != "" { // one bad name would fail the whole PUT with 400
			r.status = event.TopicStatus{Topic: r.name, State: event.StateRejected, Reason: why}
			m.ctr.add(&m.ctr.rejectedTopics, 1)
			changed = append(changed, r.status)
			continue
		}
		ch := m.roomLocked()
		if ch == nil {
			if r.status.Reason != budgetReason {
				r.status = event.TopicStatus{Topic: r.name, State: event.StateRejected, Reason: budgetReason}
				m.ctr.add(&m.ctr.rejectedTopics, 1)
				changed = append(changed, r.status)
			}
			continue
		}
		if r.status.State != event.StatePending {
			r.status = event.TopicStatus{Topic: r.name, State: event.StatePending}
			r.pendingSince = m.cfg.Clock.Now()
			changed = append(changed, r.status)
		}
		r.ch = ch
		ch.topics = append(ch.topics, k)
		ch.dirty = true
	}
	return changed, drop
}

// roomLocked returns a channel with room for one more topic, adding one within budget.
func (m *Manager) roomLocked() *channelState {
	for _, ch := range m.channels {
		if len(ch.topics) < m.cfg.MaxTopicsPerChannel {
			return ch
		}
	}
	if len(m.channels) >= m.cfg.ChannelBudget {
		return nil
	}
	ch := &channelState{}
	m.channels = append(m.channels, ch)
	return ch
}

// namesLocked lists the topic names of ch for a PUT.
func (m *Manager) namesLocked(ch *channelState) []string {
	out := make([]string, 0, len(ch.topics))
	for _, k := range ch.topics {
		if r := m.topics[k]; r != nil {
			out = append(out, r.name)
		}
	}
	return out
}

// createChannel creates a channel with a token checked just before; a 401/403
// invalidates that token and tries once more with a new one.
func (m *Manager) createChannel(ctx context.Context) (genesys.Channel, auth.Token, error) {
	for try := 0; ; try++ {
		tok, err := m.cfg.Auth.Token(ctx)
		if err != nil {
			return genesys.Channel{}, auth.Token{}, fmt.Errorf("get token: %w", err)
		}
		c, err := m.cfg.API.CreateChannel(ctx, tok.Value)
		if err == nil {
			m.ctr.add(&m.ctr.channelsCreated, 1)
			m.mu.Lock()
			m.lastToken = tok
			m.creates = append(m.creates[max(0, len(m.creates)-shortTokenBurst+1):], m.cfg.Clock.Now()) // the last shortTokenBurst
			m.mu.Unlock()
			if shortLived(tok) {
				m.cfg.Logger.Warn("notification session: access tokens live too short", "error", m.lifetimeError(tok).Error())
			}
			m.cfg.Logger.Info("created notification channel", "channel", shortID(c.ID), "expires", c.Expires)
			return c, tok, nil
		}
		if !genesys.IsAuth(err) {
			return genesys.Channel{}, auth.Token{}, err
		}
		m.cfg.Auth.Invalidate(tok.Value)
		if try > 0 {
			return genesys.Channel{}, auth.Token{}, fmt.Errorf("%w: %v", errFreshTokenRejected, err)
		}
	}
}

// maxCombinedTopic is Genesys' limit for "v2.users.<id>?presence&routingStatus".
const maxCombinedTopic = 200

// invalidTopic says why the service would refuse the whole request for this name, or "".
func invalidTopic(name string) string {
	switch {
	case strings.ContainsAny(name, " \t\r\n\"{}"):
		return "invalid topic: it contains spaces, quotes or an unfilled {id}"
	case strings.Contains(name, "?") && len(name) > maxCombinedTopic:
		return fmt.Sprintf("invalid topic: a combined topic may have at most %d characters", maxCombinedTopic)
	case strings.Contains(name, "?") && (strings.HasSuffix(name, "?") || strings.Contains(name, "&&") || strings.HasSuffix(name, "&")):
		return "invalid topic: a combined topic has an empty sub-topic"
	}
	return ""
}
