package simulator

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// dropSafety is a safety net for a read that must fail at once: reaching it is the failure
// being tested for (a dropped socket whose TCP connection stayed open), never a pass.
const dropSafety = 10 * time.Second

// firstReadFails reads ws once and fails the test unless that read ends the socket
// abnormally (1006: the TCP connection closed without a close frame). The socket was
// dropped before anything was queued for it, so a message, a heartbeat or a timeout all
// mean the drop did not reach the client.
func firstReadFails(t *testing.T, ws *websocket.Conn, what string) {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(dropSafety))
	_, msg, err := ws.ReadMessage()
	var ne net.Error
	switch {
	case err == nil:
		t.Fatalf("%s: socket still delivering after the drop: %s", what, msg)
	case errors.As(err, &ne) && ne.Timeout():
		t.Fatalf("%s: socket still open %s after the drop (its TCP connection was never closed)", what, dropSafety)
	case !isAbnormal(err):
		t.Fatalf("%s: read ended with %v, want an abnormal close (1006)", what, err)
	}
}

// TestDropAllReachesEachFreshSocket drops many freshly registered sockets one after the
// other: every drop must end the client's very next read.
func TestDropAllReachesEachFreshSocket(t *testing.T) {
	s, _ := newSim(t, Config{})
	tok := getToken(t, s)
	c := newChannel(t, s, tok)
	const rounds = 100
	for i := 0; i < rounds; i++ {
		ws := mustDial(t, c.ConnectURI)
		ctx, cancel := context.WithTimeout(context.Background(), dropSafety)
		err := s.WaitCount(ctx, "upgrade", i+1) // attached: the drop can see it
		cancel()
		if err != nil {
			t.Fatalf("round %d: socket never registered: %v", i, err)
		}
		s.DropAllSockets()
		firstReadFails(t, ws, "round "+itoa(int64(i)))
	}
	// and the server saw each one end (its handler returned, the socket unregistered)
	ctx, cancel := context.WithTimeout(context.Background(), dropSafety)
	defer cancel()
	if err := s.WaitCount(ctx, "socket_closed", rounds); err != nil {
		t.Fatalf("server closed %d of %d dropped sockets: %v", s.Count("socket_closed"), rounds, err)
	}
	if s.socketOf(c.ID) != nil {
		t.Error("a dropped socket is still registered")
	}
}

// TestDropAllReachesSocketMidUpgrade drops every socket while one is between its 101 and
// its registration (the window a POST /_sim/faults/drop can hit while a client
// reconnects): that socket was accepted before the drop, so it must be dropped too, not
// left open and silent until the client's watchdog gives up on it.
func TestDropAllReachesSocketMidUpgrade(t *testing.T) {
	s, _ := newSim(t, Config{})
	tok := getToken(t, s)
	c := newChannel(t, s, tok)
	hook := func() { s.DropAllSockets() }
	s.upgradeHook.Store(&hook)
	const rounds = 20
	for i := 0; i < rounds; i++ {
		ws := mustDial(t, c.ConnectURI) // the 101 came: the client holds an open socket
		firstReadFails(t, ws, "round "+itoa(int64(i)))
	}
	if got := s.Count("upgrade_dropped"); got != rounds {
		t.Errorf("upgrade_dropped records: %d, want %d", got, rounds)
	}
	if got := s.Count("upgrade"); got != 0 {
		t.Errorf("%d sockets dropped mid-upgrade were still registered", got)
	}
	// The hook gone, a socket accepted after the drop stays open.
	s.upgradeHook.Store(nil)
	ws := mustDial(t, c.ConnectURI)
	waitFor(t, "socket registered", func() bool { return s.socketOf(c.ID) != nil })
	s.SendRaw(c.ID, []byte(`{"topicName":"channel.metadata","eventBody":{"message":"after"}}`))
	if m := readMsg(t, ws); m["topicName"] != "channel.metadata" {
		t.Fatalf("socket after the drop: %v", m)
	}
}

// TestEventsGoToTheSocketWhoseHandshakeCompleted is the interleaving behind issue #19's
// lost events: a client reconnects to its channel while the server's handler for the
// new socket is slow (here held 300 ms by the hook). Once the client holds the new
// socket's 101 and publishes go on, every event must reach the new socket. The
// simulator used to write the 101 first and route the channel to the socket after:
// events published in between went to the replaced socket, which the registration
// then kicked, and were lost although the client was connected and subscribed.
func TestEventsGoToTheSocketWhoseHandshakeCompleted(t *testing.T) {
	s, _ := newSim(t, Config{})
	tok := getToken(t, s)
	c := newChannel(t, s, tok)
	const topic = "v2.users.u1.presence"
	subscribe(t, s, tok, c.ID, topic)
	old := mustDial(t, c.ConnectURI)
	defer old.Close()
	waitFor(t, "first socket registered", func() bool { return s.socketOf(c.ID) != nil })

	entered := make(chan struct{}, 1)
	hook := func() {
		entered <- struct{}{}
		time.Sleep(300 * time.Millisecond) // a slow handler
	}
	s.upgradeHook.Store(&hook)
	defer s.upgradeHook.Store(nil)
	dialed := make(chan *websocket.Conn, 1)
	go func() {
		ws, _, err := websocket.DefaultDialer.Dial(c.ConnectURI, nil)
		if err != nil {
			t.Error(err)
		}
		dialed <- ws
	}()
	<-entered
	ws := <-dialed // the client holds the 101: from its view the new socket is live
	if ws == nil {
		return
	}
	defer ws.Close()
	if n := s.Publish(topic, map[string]any{"n": 1}); n != 1 {
		t.Fatalf("published to %d sockets", n)
	}
	m := readMsg(t, ws)
	if m["topicName"] != topic {
		t.Fatalf("the new socket got %v, want the event published after its handshake", m)
	}
}
