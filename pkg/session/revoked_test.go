package session

import (
	"testing"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// A token revoked server-side while its socket was down (still inside expires_in, so
// the client believes it): the re-dial of its channel is refused with 401. The token
// is discarded and the channel replaced in the same pass (same simulated instant), not
// after another backoff or at the next subscription PUT; nothing else is sent with
// the revoked token.
func TestRevokedTokenRefusedAtDialReplacesChannelAtOnce(t *testing.T) {
	for _, status := range []string{"revoked", "expired early"} {
		t.Run(status, func(t *testing.T) {
			h := newHarness(t, simulator.Config{}, nil)
			h.start(topicA)
			h.clock.Advance(30 * time.Second) // a heartbeat: the socket carried messages
			h.eventually("heartbeat", func() bool { return h.m.Status().Counters.Heartbeats > 0 })
			h.sim.DropAllSockets()
			h.eventually("socket lost", func() bool { return h.m.Status().OpenGaps == 1 })
			if status == "revoked" {
				h.sim.RevokeTokens() // no socket is open to carry token_revoked
			} else {
				h.sim.ExpireTokens()
			}
			h.advanceUntil("recovery", time.Second, 5*time.Minute, func() bool {
				return h.sim.Count("channel_create") == 2 && h.allConnected() && h.m.Status().OpenGaps == 0
			})
			h.publishSeen(topicA)
			var refused, created time.Time
			records := h.sim.Records()
			defer func() {
				for _, r := range records {
					if t.Failed() {
						t.Logf("%s %s %d %s", r.Time.Sub(epoch), r.Kind, r.Status, r.Detail)
					}
				}
			}()
			for _, r := range records {
				switch {
				case r.Kind == "upgrade_rejected" && refused.IsZero():
					refused = r.Time
				case r.Kind == "channel_create":
					created = r.Time
				}
			}
			if refused.IsZero() || !created.Equal(refused) {
				t.Errorf("upgrade refused at %s, new channel at %s: want the same instant", refused.Sub(epoch), created.Sub(epoch))
			}
			if n := h.sim.Count("upgrade_rejected"); n != 1 {
				t.Errorf("%d refused upgrades, want 1", n)
			}
			if n := h.sim.Count("unauthorized"); n != 0 {
				t.Errorf("%d REST requests with the revoked token", n)
			}
			if n, c := h.sim.Count("token"), h.sim.Count("channel_create"); n != 2 || c != 2 {
				t.Errorf("tokens = %d, channels = %d, want 2 of each", n, c)
			}
			if st := h.m.Status(); st.State != StateConnected || st.Counters.AuthFailures != 0 {
				t.Errorf("state %s, auth failures %d", st.State, st.Counters.AuthFailures)
			}
		})
	}
}

// A health check that finds the channel's token refused (HEAD → 401) hands the
// verdict to the loop: the token is discarded and the channel replaced without waiting
// for the socket to fail.
func TestCheckFindingRefusedTokenReplacesChannel(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.start(topicA)
	old := h.m.Status().Channels[0].ID
	h.sim.ExpireTokens() // server-side: the open socket survives, REST refuses the token
	if err := h.m.Check(t.Context()); err == nil {
		t.Fatal("Check passed with a refused token")
	}
	h.eventually("replacement", func() bool {
		st := h.m.Status()
		return h.allConnected() && len(st.Channels) == 1 && st.Channels[0].ID != old
	})
	h.publishSeen(topicA)
	if err := h.m.Check(t.Context()); err != nil {
		t.Fatalf("Check after the replacement: %v", err)
	}
	if n := h.sim.Count("token"); n != 2 {
		t.Errorf("tokens = %d, want 2", n)
	}
}
