package session

import (
	"errors"
	"fmt"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
)

// minTokenLifetime: tokens living less than this cannot carry the session the normal
// way (a new channel before each token's margin would mean one every few seconds).
const minTokenLifetime = 2 * time.Minute

// ErrTokenLifetime marks an OAuth client whose tokens live too short for the session.
var ErrTokenLifetime = errors.New("access tokens live too short for the notification session")

// TokenLifetimeError says how long the client's tokens live, the margins and what the
// session does about it. It carries no token.
type TokenLifetimeError struct {
	Lifetime time.Duration // of the last token fetched
	Margin   time.Duration // configured
	Applied  time.Duration // the margin that applies to such a token
	Interval time.Duration // at most one new channel per Interval
	Until    time.Time     // next channel allowed (zero when not waiting)
}

func (e *TokenLifetimeError) Error() string {
	return fmt.Sprintf("tokens from this OAuth client live %s; the margin is %s (%s applied, at most half a token's life). "+
		"The session needs tokens that live at least %s: every reconnect or subscription change needs a new channel made "+
		"with a fresh token, so it keeps any open socket and creates at most %d channels every %s. "+
		"Raise the OAuth client's token duration in Genesys Cloud (Admin > Integrations > OAuth)",
		secs(e.Lifetime), secs(e.Margin), secs(e.Applied), secs(minTokenLifetime), shortTokenBurst, mins(e.Interval))
}

// Unwrap makes errors.Is(err, ErrTokenLifetime) hold.
func (e *TokenLifetimeError) Unwrap() error { return ErrTokenLifetime }

func secs(d time.Duration) string { return fmt.Sprintf("%d s", int64(d/time.Second)) }

// mins writes whole minutes as "5 min", anything else in seconds.
func mins(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return fmt.Sprintf("%d min", int64(d/time.Minute))
	}
	return secs(d)
}

// shortLived reports a token whose lifetime is known and under minTokenLifetime.
func shortLived(t auth.Token) bool {
	l := t.Lifetime()
	return l > 0 && l < minTokenLifetime
}

// fresh is the one freshness rule of every handshake decision (pkg/auth's own).
func (m *Manager) fresh(t auth.Token, now time.Time) bool {
	return t.Fresh(now, m.cfg.Auth.Margin())
}

// rotateAt is when ch moves to a new channel because its token runs out: the token's
// expiry minus its effective margin. Never for a short-lived token: its open socket
// outlives it, and rotating would create a channel every few seconds; such a channel
// is replaced only when a handshake needs a fresh token (paced, see shortWaitLocked).
func (m *Manager) rotateAt(ch *channelState) time.Time {
	if ch.token.Expiry.IsZero() || shortLived(ch.token) {
		return never
	}
	return ch.token.Expiry.Add(-auth.EffectiveMargin(ch.token, m.cfg.Auth.Margin()))
}

// lifetimeErrorLocked describes the short tokens seen last, or nil when they were not short.
func (m *Manager) lifetimeErrorLocked() *TokenLifetimeError {
	if !shortLived(m.lastToken) {
		return nil
	}
	return m.lifetimeError(m.lastToken)
}

func (m *Manager) lifetimeError(t auth.Token) *TokenLifetimeError {
	return &TokenLifetimeError{Lifetime: t.Lifetime(), Margin: m.cfg.Auth.Margin(),
		Applied: auth.EffectiveMargin(t, m.cfg.Auth.Margin()), Interval: m.cfg.ShortTokenInterval}
}

// shortTokenBurst channels may be created per ShortTokenInterval while tokens are
// short: one for the fault that needs it, one more for a second fault soon after (a
// start, then an outage), so a 20 s outage right after a channel was made costs seconds,
// not the rest of the interval; beyond that the manager waits rather than burning the
// OAuth client's 20-channel limit.
const shortTokenBurst = 2

// shortWaitLocked returns an error (with Until set) when the last tokens were short and
// shortTokenBurst channels were created within the last ShortTokenInterval.
func (m *Manager) shortWaitLocked(now time.Time) error {
	e := m.lifetimeErrorLocked()
	if e == nil {
		return nil
	}
	n, oldest := 0, time.Time{}
	for _, t := range m.creates {
		if !t.IsZero() && now.Sub(t) < m.cfg.ShortTokenInterval {
			n++
			if oldest.IsZero() || t.Before(oldest) {
				oldest = t
			}
		}
	}
	if n < shortTokenBurst {
		return nil
	}
	e.Until = oldest.Add(m.cfg.ShortTokenInterval)
	return e
}
