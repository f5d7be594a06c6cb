package session

import (
	"context"
	"errors"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
)

// Probes between handshakes. The backoff grows with the time the link has been down
// (0.4 of it, up to BackoffCap), which keeps a long outage to about one handshake
// attempt a minute but leaves the retry in flight when the outage ends up to that far
// away: 1–40 s after a 2-minute outage. A probe is one cheap request (HEAD of a
// channel) every probeEvery while the backoff runs; when the service answers it at
// all (200, 404, 401), the outage is over and the handshake goes at once. A failing
// probe only schedules the next one: probes never create channels or sockets, so they
// cannot loop, and none is sent while a Retry-After is in force or after the
// credentials were refused.

const (
	probeMin     = 5 * time.Second  // the first minute of an outage: a probe every 5 s
	probeMax     = 20 * time.Second // long outages: one every 20 s (180 an hour, all HEADs)
	probeTimeout = 5 * time.Second
)

// probeEvery is the probe period after the link has been down for down: a twentieth
// of it, between probeMin and probeMax.
func probeEvery(down time.Duration) time.Duration {
	return min(max(down/20, probeMin), probeMax)
}

// probeDueLocked says whether a probe should go now and what it needs: the backoff
// still has more than a probe period to run, no Retry-After holds, the last failure
// was not a refusal of the credentials, and the probe's time has come.
func (m *Manager) probeDueLocked(now time.Time) (token, channelID string, due bool) {
	if !m.probing || now.Before(m.nextProbe) || now.Before(m.holdUntil) || m.nextTry.Sub(now) < probeMin {
		return "", "", false
	}
	channelID = "probe" // no channel yet: a 404 shows the service is back as well as a 200
	for _, ch := range m.channels {
		if ch.id != "" {
			channelID = ch.id
			if m.fresh(ch.token, now) {
				return ch.token.Value, channelID, true
			}
			break
		}
	}
	return "", channelID, true // the probe gets a fresh token first: never a stale one (the seed's rule)
}

// probeUpstream sends one HEAD and reports whether the service answered (the outage is
// over). Without a fresh token it asks the token source first, which is a request to
// the login service and a probe of its own; a refusal of the credentials also means
// the service answers (the handshake then fails on them and backs off as such).
func (m *Manager) probeUpstream(token, channelID string) bool {
	ctx, cancel := context.WithTimeout(m.ctx, probeTimeout)
	defer cancel()
	m.ctr.add(&m.ctr.probes, 1)
	if token == "" {
		tok, err := m.cfg.Auth.Token(ctx)
		if err != nil {
			return errors.Is(err, auth.ErrAuth)
		}
		token = tok.Value
	}
	err := m.cfg.API.HeadChannel(ctx, token, channelID)
	return err == nil || errors.Is(err, genesys.ErrNotFound) || genesys.IsAuth(err)
}

// scheduleProbeLocked sets the next probe after a failure or a failed probe.
func (m *Manager) scheduleProbeLocked(now time.Time) {
	down := m.downBefore
	if !m.downSince.IsZero() {
		down += now.Sub(m.downSince)
	}
	every := probeEvery(down)
	jitter := time.Duration(m.cfg.Rand.Int63n(int64(every/5) + 1)) // up to +20 %
	m.probing, m.nextProbe = true, now.Add(every+jitter)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
