package simulator

import (
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// connected returns a token, a subscribed channel and its socket.
func connected(t *testing.T, s *Server, topics ...string) (string, chanResp, *websocket.Conn) {
	t.Helper()
	tok := getToken(t, s)
	c := newChannel(t, s, tok)
	if len(topics) > 0 {
		if r := subscribe(t, s, tok, c.ID, topics...); r.status != 200 {
			t.Fatalf("subscribe: %d %s", r.status, r.body)
		}
	}
	ws := mustDial(t, c.ConnectURI)
	waitFor(t, "socket registered", func() bool { return s.socketOf(c.ID) != nil })
	return tok, c, ws
}

func TestPublishEnvelope(t *testing.T) {
	s, _ := newSim(t, Config{})
	_, _, ws := connected(t, s, "v2.users.U1.presence")
	if n := s.Publish("v2.users.u1.PRESENCE", map[string]any{"source": "PURECLOUD"}); n != 1 {
		t.Fatalf("Publish reached %d sockets", n)
	}
	if n := s.Publish("v2.users.u2.presence", map[string]any{}); n != 0 {
		t.Fatalf("unsubscribed topic reached %d", n)
	}
	m := readMsg(t, ws)
	sameKeys(t, "envelope", m, "topicName", "version", "eventBody", "metadata")
	if m["version"] != "2" || m["topicName"] != "v2.users.u1.PRESENCE" {
		t.Errorf("envelope %v", m)
	}
	sameKeys(t, "metadata", m["metadata"].(map[string]any), "CorrelationId")
	if m["eventBody"].(map[string]any)["source"] != "PURECLOUD" {
		t.Errorf("body %v", m["eventBody"])
	}
}

func TestHeartbeatsOnFakeClock(t *testing.T) {
	s, fc := newSim(t, Config{HeartbeatInterval: 10 * time.Second})
	_, _, ws := connected(t, s)
	fc.Advance(10 * time.Second)
	m := readMsg(t, ws)
	sameKeys(t, "heartbeat", m, "topicName", "eventBody")
	if m["topicName"] != "channel.metadata" || m["eventBody"].(map[string]any)["message"] != "WebSocket Heartbeat" {
		t.Fatalf("heartbeat %v", m)
	}
	s.SetHeartbeats(false)
	fc.Advance(10 * time.Second)
	waitFor(t, "tick handled", func() bool { return s.Ticks() == 2 })
	s.SetHeartbeats(true)
	fc.Advance(10 * time.Second)
	if m := readMsg(t, ws); m["eventBody"].(map[string]any)["message"] != "WebSocket Heartbeat" {
		t.Fatalf("after re-enabling: %v", m)
	}
	waitFor(t, "sent counted", func() bool { return s.Channels()[0].Sent >= 2 })
	if sent := s.Channels()[0].Sent; sent != 2 {
		t.Errorf("sent %d messages, want 2 (no heartbeat while off)", sent)
	}
}

func TestPingPong(t *testing.T) {
	s, _ := newSim(t, Config{})
	_, _, ws := connected(t, s)
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"message":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	m := readMsg(t, ws)
	if m["topicName"] != "channel.metadata" || m["eventBody"].(map[string]any)["message"] != "pong" {
		t.Fatalf("pong %v", m)
	}
	s.SetPongs(false)
	_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"message":"ping"}`))
	waitFor(t, "second ping recorded", func() bool { return s.Count("ping") == 2 })
	_ = ws.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, b, err := ws.ReadMessage(); err == nil {
		t.Fatalf("pong while pongs are off: %s", b)
	}
}

func TestSecondSocketKicksFirst(t *testing.T) {
	s, _ := newSim(t, Config{})
	_, c, first := connected(t, s, "v2.users.u1.presence")
	second := mustDial(t, c.ConnectURI)
	if err := readErr(t, first); !isAbnormal(err) {
		t.Fatalf("first socket: %v, want 1006", err)
	}
	waitFor(t, "kick recorded", func() bool { return s.Count("socket_kicked") == 1 })
	waitFor(t, "second registered", func() bool { return s.Publish("v2.users.u1.presence", map[string]any{}) == 1 })
	readMsg(t, second)
}

func TestUpgradeRejections(t *testing.T) {
	s, _ := newSim(t, Config{})
	tok := getToken(t, s)
	c := newChannel(t, s, tok)
	base := strings.TrimSuffix(c.ConnectURI, c.ID)
	if _, res, err := dial(t, base+"nope"); err == nil || res == nil || res.StatusCode != 404 {
		t.Errorf("unknown channel: %v %v", err, res)
	}
	s.ExpireTokens()
	_, res, err := dial(t, c.ConnectURI)
	if err == nil || res == nil || res.StatusCode != 401 {
		t.Fatalf("stale token upgrade: %v %v", err, res)
	}
	if s.Count("upgrade_rejected") != 2 {
		t.Errorf("upgrade_rejected %d", s.Count("upgrade_rejected"))
	}
	tok = getToken(t, s)
	c = newChannel(t, s, tok)
	s.ExpireChannel(c.ID)
	if _, res, err := dial(t, c.ConnectURI); err == nil || res.StatusCode != 404 {
		t.Errorf("expired channel: %v %v", err, res)
	}
}

func TestDropStaleUpgrades(t *testing.T) {
	s, _ := newSim(t, Config{DropStaleUpgrades: true})
	tok := getToken(t, s)
	c := newChannel(t, s, tok)
	s.RevokeTokens()
	ws := mustDial(t, c.ConnectURI)
	if err := readErr(t, ws); !isAbnormal(err) {
		t.Fatalf("stale upgrade: %v, want 1006", err)
	}
	if s.Count("upgrade_dropped") != 1 {
		t.Errorf("upgrade_dropped %d", s.Count("upgrade_dropped"))
	}
}

func TestDropFaults(t *testing.T) {
	s, _ := newSim(t, Config{})
	tok := getToken(t, s)
	c := newChannel(t, s, tok)
	subscribe(t, s, tok, c.ID, "v2.users.u1.presence")
	s.DropUpgrades(2)
	for i := 0; i < 2; i++ {
		if err := readErr(t, mustDial(t, c.ConnectURI)); !isAbnormal(err) {
			t.Fatalf("dropped upgrade %d: %v", i, err)
		}
	}
	ws := mustDial(t, c.ConnectURI)
	waitFor(t, "third socket registered", func() bool { return s.socketOf(c.ID) != nil })
	s.DropSocketsAfter(3)
	for i := 0; i < 5; i++ {
		s.Publish("v2.users.u1.presence", map[string]any{"i": i})
	}
	for i := 0; i < 3; i++ {
		readMsg(t, ws)
	}
	if err := readErr(t, ws); !isAbnormal(err) {
		t.Fatalf("after 3 messages: %v", err)
	}
	s.DropSocketsAfter(0)
	ws = mustDial(t, c.ConnectURI)
	waitFor(t, "socket registered", func() bool { return s.socketOf(c.ID) != nil })
	s.DropAllSockets()
	if err := readErr(t, ws); !isAbnormal(err) {
		t.Fatalf("DropAllSockets: %v", err)
	}
	if s.Count("upgrade_dropped") != 2 || s.Count("socket_dropped") != 1 {
		t.Errorf("records: dropped upgrades %d, dropped sockets %d", s.Count("upgrade_dropped"), s.Count("socket_dropped"))
	}
}

func TestStallBoundsQueue(t *testing.T) {
	s, _ := newSim(t, Config{SocketQueue: 8})
	_, c, ws := connected(t, s, "v2.users.u1.presence")
	s.SetStall(c.ID, true)
	reached := 0
	for i := 0; i < 20; i++ {
		reached += s.Publish("v2.users.u1.presence", map[string]any{"i": i})
	}
	if reached > 9 || s.Channels()[0].Dropped < 11 {
		t.Fatalf("stalled socket took %d, dropped %d", reached, s.Channels()[0].Dropped)
	}
	s.SetStall(c.ID, false)
	for i := 0; i < reached; i++ {
		readMsg(t, ws)
	}
}

func TestSendRaw(t *testing.T) {
	s, _ := newSim(t, Config{})
	_, c, ws := connected(t, s)
	big := []byte(`{"topicName":"x","eventBody":"` + strings.Repeat("a", 128<<10) + `"}`)
	s.SendRaw(c.ID, []byte(`{"topicName":`))
	s.SendRaw(c.ID, big)
	_ = ws.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, b, err := ws.ReadMessage(); err != nil || string(b) != `{"topicName":` {
		t.Fatalf("malformed: %q %v", b, err)
	}
	if _, b, err := ws.ReadMessage(); err != nil || len(b) != len(big) {
		t.Fatalf("oversized: %d %v", len(b), err)
	}
}

func TestControlFrames(t *testing.T) {
	s, _ := newSim(t, Config{})
	_, _, ws := connected(t, s)
	pong := make(chan string, 1)
	ws.SetPongHandler(func(data string) error { pong <- data; return nil })
	if err := ws.WriteControl(websocket.PingMessage, []byte("hi"), time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	go func() { _, _, _ = ws.ReadMessage() }() // control frames are handled while reading
	select {
	case got := <-pong:
		if got != "hi" {
			t.Errorf("pong %q", got)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no pong to a control ping")
	}
	_, _, ws2 := connected(t, s)
	_ = ws2.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye"))
	if err := readErr(t, ws2); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("client close: %v, want the 1000 echo", err)
	}
}

// TestLargeMessageAfterIdle sends a message bigger than the writer's buffer after the write
// deadline of the previous burst has long passed (real time is not faked here, so the idle
// gap is simulated by a deadline already in the past).
func TestLargeMessageAfterIdle(t *testing.T) {
	s, _ := newSim(t, Config{})
	_, c, ws := connected(t, s, "v2.users.u1.presence")
	s.Publish("v2.users.u1.presence", map[string]any{"n": 1})
	readMsg(t, ws)
	_ = s.socketOf(c.ID).conn.NetConn().SetWriteDeadline(time.Now().Add(-time.Second))
	big := strings.Repeat("x", 3*maxBatch)
	s.Publish("v2.users.u1.presence", map[string]any{"big": big})
	if m := readMsg(t, ws); len(m["eventBody"].(map[string]any)["big"].(string)) != len(big) {
		t.Fatal("large message truncated")
	}
}
