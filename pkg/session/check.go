package session

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
)

var errStopped = errors.New("the notification session is stopped")

// ErrEvicted marks a Check that found a channel evicted by another holder of the
// OAuth client (evict.go).
var ErrEvicted = errors.New("a notification channel was evicted")

// pingWaiter is a Check waiting for the pong of its ping.
type pingWaiter struct {
	sock *socketConn
	once sync.Once
	done chan error // cap 1
}

func (w *pingWaiter) finish(err error) {
	w.once.Do(func() { w.done <- err })
}

// Check probes the connection end to end: a valid token, every channel alive (HEAD),
// every socket answering a ping within PongTimeout. With no topic acquired it probes
// with a channel and socket of its own (one reused channel, so checks do not use up
// the OAuth client's channel limit). Errors say what failed, never a secret.
func (m *Manager) Check(ctx context.Context) error {
	tok, err := m.cfg.Auth.Token(ctx)
	if ctx.Err() == nil {
		m.mu.Lock()
		m.idleChecked, m.idleErr = true, err // an idle session's state follows the check (idleStep)
		m.mu.Unlock()
		m.poke()
	}
	if err != nil {
		if errors.Is(err, auth.ErrAuth) {
			return err
		}
		return fmt.Errorf("cannot get an access token from the login service: %w", err)
	}
	if shortLived(tok) {
		return m.lifetimeError(tok)
	}
	m.mu.Lock()
	if m.stopped {
		m.mu.Unlock()
		return errStopped
	}
	state, reason := m.state, m.reason
	type probe struct {
		ch   *channelState
		sock *socketConn
	}
	var probes []probe
	var evicted error
	for _, ch := range m.channels {
		if ch.vanished && evicted == nil { // a HEAD would only say 404: say why
			_, warning := m.evictionsLocked(m.cfg.Clock.Now())
			if warning == "" {
				warning = "another holder of the OAuth client created a channel beyond the 20 allowed"
			}
			when := "now"
			if !ch.holdUntil.IsZero() {
				when = "at " + maxTime(ch.holdUntil, m.evictNext).UTC().Format(time.RFC3339)
			}
			evicted = fmt.Errorf("%w: notification channel %s is gone and is replaced %s; %s", ErrEvicted, shortID(ch.id), when, warning)
		}
		if ch.id != "" {
			probes = append(probes, probe{ch, ch.sock})
		}
	}
	m.mu.Unlock()
	if evicted != nil && state != StateAuthFailed {
		return evicted
	}
	if state == StateAuthFailed {
		return fmt.Errorf("the session is in auth_failed: %s", reason)
	}
	if len(probes) == 0 {
		return m.probeAlone(ctx, tok)
	}
	for _, p := range probes {
		if err := m.cfg.API.HeadChannel(ctx, p.ch.token.Value, p.ch.id); err != nil {
			if genesys.IsAuth(err) { // revoked server-side: the loop replaces it now
				m.cfg.Auth.Invalidate(p.ch.token.Value)
				m.markGone(p.ch)
				m.poke()
			}
			return fmt.Errorf("notification channel %s is not alive: %w", shortID(p.ch.id), err)
		}
		if p.sock == nil {
			return fmt.Errorf("notification channel %s has no socket (%s: %s)", shortID(p.ch.id), state, reason)
		}
		if err := m.pingAndWait(ctx, p.sock); err != nil {
			return err
		}
	}
	return nil
}

// pingAndWait sends a ping on s and waits for its pong.
func (m *Manager) pingAndWait(ctx context.Context, s *socketConn) error {
	w := &pingWaiter{sock: s, done: make(chan error, 1)}
	m.mu.Lock()
	m.checks = append(m.checks, w)
	m.mu.Unlock()
	defer m.forgetWaiter(w)
	if err := s.ping(); err != nil {
		return fmt.Errorf("notification socket: cannot send a ping: %w", err)
	}
	t := m.cfg.Clock.NewTimer(m.cfg.PongTimeout)
	defer t.Stop()
	select {
	case err := <-w.done:
		return err
	case <-s.done:
		return errors.New("notification socket closed while waiting for a pong")
	case <-t.Chan():
		return fmt.Errorf("notification socket did not answer a ping within %s", m.cfg.PongTimeout)
	case <-ctx.Done():
		return fmt.Errorf("waiting for a pong: %w", ctx.Err())
	}
}

func (m *Manager) forgetWaiter(w *pingWaiter) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, x := range m.checks {
		if x == w {
			m.checks = append(m.checks[:i], m.checks[i+1:]...)
			return
		}
	}
}

// probeAlone checks REST and the socket with a channel kept for probes only.
func (m *Manager) probeAlone(ctx context.Context, tok auth.Token) error {
	m.probeMu.Lock()
	defer m.probeMu.Unlock()
	now := m.cfg.Clock.Now()
	ch := m.probe
	if ch == nil || !m.fresh(ch.token, now) || m.cfg.API.HeadChannel(ctx, ch.token.Value, ch.id) != nil {
		c, err := m.cfg.API.CreateChannel(ctx, tok.Value)
		if err != nil {
			if genesys.IsAuth(err) {
				m.cfg.Auth.Invalidate(tok.Value)
				return fmt.Errorf("the service refused the access token: %w", err)
			}
			return fmt.Errorf("cannot create a notification channel: %w", err)
		}
		m.ctr.add(&m.ctr.channelsCreated, 1)
		ch = &channelState{id: c.ID, uri: c.ConnectURI, expires: c.Expires, token: tok}
		m.probe = ch
	}
	s, err := m.dial(ctx, ch)
	if err != nil {
		var he *errHandshake
		if errors.As(err, &he) && (he.status == http.StatusUnauthorized || he.status == http.StatusForbidden) {
			m.cfg.Auth.Invalidate(ch.token.Value) // the next check starts from a new token
		}
		m.probe = nil
		return fmt.Errorf("cannot open the notification socket: %w", err)
	}
	defer func() {
		s.closeGracefully()
		<-s.done
	}()
	return m.pingAndWait(ctx, s)
}
