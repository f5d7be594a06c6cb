package simulator

import (
	"context"
	"testing"
	"time"
)

func TestSocketClosingThenCloseAfterGrace(t *testing.T) {
	s, fc := newSim(t, Config{SocketClosingGrace: time.Minute, HeartbeatInterval: time.Hour})
	_, c, ws := connected(t, s)
	s.SendSocketClosing(c.ID)
	m := readMsg(t, ws)
	if m["topicName"] != "v2.system.socket_closing" {
		t.Fatalf("got %v", m)
	}
	sameKeys(t, "system body", m["eventBody"].(map[string]any), "channelId", "systemTopicType", "reason", "message")
	if !s.Channels()[0].Closing {
		t.Error("ChannelInfo.Closing not set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := fc.BlockUntilContext(ctx, 2); err != nil { // heartbeat ticker + grace timer
		t.Fatal(err)
	}
	fc.Advance(59 * time.Second)
	time.Sleep(20 * time.Millisecond) // let a wrongly early close happen
	if s.Count("socket_closing_closed") != 0 || s.socketOf(c.ID) == nil {
		t.Fatal("closed before the grace period")
	}
	fc.Advance(time.Second)
	if err := readErr(t, ws); !isAbnormal(err) {
		t.Fatalf("after grace: %v", err)
	}
}

func TestNoLongerSubscribedAndRevoked(t *testing.T) {
	s, _ := newSim(t, Config{})
	tok, c, ws := connected(t, s, "v2.users.u1.presence")
	s.NoLongerSubscribed(c.ID)
	m := readMsg(t, ws)
	if m["topicName"] != "v2.system.no_longer_subscribed."+c.ID || m["eventBody"].(map[string]any)["channelId"] != c.ID {
		t.Fatalf("got %v", m)
	}
	if s.Publish("v2.users.u1.presence", map[string]any{}) != 0 {
		t.Error("still subscribed after no_longer_subscribed")
	}
	subscribe(t, s, tok, c.ID, "v2.users.u1.presence")
	s.RevokeTokens()
	m = readMsg(t, ws)
	if m["topicName"] != "v2.system.token_revoked."+c.ID || m["eventBody"].(map[string]any)["systemTopicType"] != "token_revoked" {
		t.Fatalf("got %v", m)
	}
	if r := call(t, s, "GET", "/api/v2/notifications/channels/"+c.ID+"/subscriptions", tok, ""); r.status != 401 {
		t.Errorf("revoked token REST: %d", r.status)
	}
}
