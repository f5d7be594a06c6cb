package simulator

import (
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// writeTimeout bounds one socket write (real time: it guards the network, not the model).
const writeTimeout = 10 * time.Second

var pongMsg = []byte(`{"topicName":"channel.metadata","eventBody":{"message":"pong"}}`)

// socket is the one live WebSocket of a channel: a reader (the HTTP handler goroutine) and a
// writer goroutine draining a bounded queue.
type socket struct {
	s       *Server
	ch      *channel
	conn    *websocket.Conn // set once the handshake is done (setConn), under connMu
	connMu  sync.Mutex
	token   string // owner token hash, for records
	epoch   uint64 // Server.dropEpoch when its upgrade began
	out     chan []byte
	ctrl    chan frame // control frames (pong, close echo), written before data
	done    chan struct{}
	once    sync.Once
	queued  atomic.Int64
	sent    atomic.Int64
	dropped atomic.Int64

	stallMu sync.Mutex
	resume  chan struct{} // non-nil while stalled; closed to resume
}

func (s *Server) handleUpgrade(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	epoch := s.dropEpoch // a DropAllSockets from here on drops this socket too
	s.mu.Unlock()
	ch, owner, drop := s.admitUpgrade(w, id)
	if ch == nil {
		return
	}
	hdr := http.Header{correlationHeader: {w.Header().Get(correlationHeader)}} // the 101 is written by the upgrader, not from w's headers
	if !websocket.IsWebSocketUpgrade(r) {
		_, _ = s.upgrader.Upgrade(w, r, hdr) // answers 400 itself
		s.record(Record{Kind: "upgrade_rejected", Channel: id, Token: owner.hash, Status: 400, Detail: "not a websocket handshake"})
		return
	}
	if drop != "" {
		if conn, err := s.upgrader.Upgrade(w, r, hdr); err == nil {
			s.record(Record{Kind: "upgrade_dropped", Channel: id, Token: owner.hash, Status: 101, Detail: drop})
			_ = conn.NetConn().Close()
		}
		return
	}
	if hook := s.upgradeHook.Load(); hook != nil {
		(*hook)()
	}
	// The channel routes to the new socket before its 101 is written, as one step of the
	// service would: a client that sees the socket open (and then subscribes) must never
	// have the channel's events go to the socket it replaced. Events published meanwhile
	// wait in the socket's queue until the writer starts.
	sk := &socket{s: s, ch: ch, token: owner.hash, epoch: epoch, out: make(chan []byte, s.cfg.SocketQueue),
		ctrl: make(chan frame, 4), done: make(chan struct{})}
	if !s.attach(sk) { // recorded by attach: the client sees the socket open and close at once
		if conn, err := s.upgrader.Upgrade(w, r, hdr); err == nil {
			_ = conn.NetConn().Close()
		}
		return
	}
	conn, err := s.upgrader.Upgrade(w, r, hdr)
	if err != nil {
		s.detach(sk)
		s.wg.Done()
		s.record(Record{Kind: "upgrade_rejected", Channel: id, Token: owner.hash, Status: 400, Detail: "not a websocket handshake"})
		return
	}
	if !sk.setConn(conn) { // dropped or kicked during the handshake: the client sees 101, then 1006
		s.detach(sk)
		s.wg.Done()
		// recorded as the attach refusals are: tests count upgrades and drops against the
		// sockets a client opened (a socket with neither record looked still upgrading)
		s.record(Record{Kind: "upgrade_dropped", Channel: id, Token: owner.hash, Status: 101, Detail: "fault: closed during upgrade (every socket dropped, or another socket took the channel)"})
		return
	}
	conn.SetReadLimit(int64(s.cfg.MaxMessageBytes))
	sk.takeControlFrames()
	defer s.wg.Done()
	s.record(Record{Kind: "upgrade", Channel: id, Token: owner.hash, Status: 101})
	writerDone := make(chan struct{})
	go func() { defer close(writerDone); sk.writeLoop() }()
	if sk.readLoop() { // the client closed: give the writer a moment to echo the close frame
		select {
		case <-writerDone:
		case <-time.After(time.Second):
		}
	}
	sk.abort()
	<-writerDone
	s.detach(sk)
	s.record(Record{Kind: "socket_closed", Channel: id, Token: owner.hash,
		Detail: "sent " + itoa(sk.sent.Load()) + ", dropped " + itoa(sk.dropped.Load())})
}

// admitUpgrade decides an upgrade before the handshake: it answers 404 (channel gone or
// expired) or 401 (the channel's token expired or was revoked) itself and returns a nil
// channel; otherwise drop says why the accepted socket must be dropped at once ("" = keep).
func (s *Server) admitUpgrade(w http.ResponseWriter, id string) (ch *channel, owner *token, drop string) {
	now := s.clock.Now()
	s.mu.Lock()
	ch = s.channels[id]
	if ch != nil && !now.Before(ch.expires) {
		ch = nil
	}
	stale := ch != nil && !ch.owner.valid(now)
	s.mu.Unlock()
	if ch == nil {
		s.record(Record{Kind: "upgrade_rejected", Channel: id, Status: 404, Detail: "channel not found or expired"})
		s.writeError(w, 404, "", "Channel "+id+" not found")
		return nil, nil, ""
	}
	if stale {
		if !s.cfg.DropStaleUpgrades {
			s.record(Record{Kind: "upgrade_rejected", Channel: id, Token: ch.owner.hash, Status: 401, Detail: "channel's token expired or revoked"})
			s.writeError(w, 401, "", "Invalid login credentials.")
			return nil, nil, ""
		}
		return ch, ch.owner, "channel's token expired or revoked"
	}
	for {
		n := s.dropUpgrades.Load()
		if n <= 0 {
			return ch, ch.owner, ""
		}
		if s.dropUpgrades.CompareAndSwap(n, n-1) {
			return ch, ch.owner, "fault: drop upgrade"
		}
	}
}

// attach makes sk its channel's socket, kicking the previous one; false (connection closed)
// when the server is closing, the channel vanished during the handshake or every socket was
// dropped since the handshake began. On true the caller owns one count of s.wg.
func (s *Server) attach(sk *socket) bool {
	ch := sk.ch
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		return false
	default:
	}
	if s.channels[ch.id] != ch {
		s.mu.Unlock()
		s.record(Record{Kind: "upgrade_dropped", Channel: ch.id, Token: sk.token, Status: 101, Detail: "channel vanished during upgrade"})
		return false
	}
	if s.dropEpoch != sk.epoch {
		s.mu.Unlock()
		s.record(Record{Kind: "upgrade_dropped", Channel: ch.id, Token: sk.token, Status: 101, Detail: "fault: drop all during upgrade"})
		return false
	}
	old := ch.sock
	ch.sock, ch.lastUsed, ch.closing = sk, s.clock.Now(), false
	s.wg.Add(1)
	s.mu.Unlock()
	if old != nil {
		s.record(Record{Kind: "socket_kicked", Channel: ch.id, Token: sk.token, Detail: "a second socket connected to the channel"})
		old.abort()
	}
	return true
}

// readLoop reads client messages until the socket fails; it reports whether the client
// sent a close frame.
func (sk *socket) readLoop() (closedByClient bool) {
	for {
		_, data, err := sk.conn.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			return errors.As(err, &ce)
		}
		sk.handleClientMessage(data)
	}
}

// enqueue queues msg without blocking; a full queue drops it (counted).
func (sk *socket) enqueue(msg []byte) bool {
	select {
	case <-sk.done:
		return false
	default:
	}
	select {
	case sk.out <- msg:
		sk.queued.Add(1)
		return true
	default:
		sk.dropped.Add(1)
		return false
	}
}

// abort closes the TCP connection without a close frame: the client sees 1006. A
// socket aborted during its handshake closes its connection as soon as it has one.
func (sk *socket) abort() {
	sk.once.Do(func() {
		sk.connMu.Lock()
		defer sk.connMu.Unlock()
		close(sk.done)
		if sk.conn != nil {
			_ = sk.conn.NetConn().Close()
		}
	})
}

// setConn gives sk its connection once the handshake is done; false (connection
// closed) when sk was aborted meanwhile.
func (sk *socket) setConn(conn *websocket.Conn) bool {
	sk.connMu.Lock()
	defer sk.connMu.Unlock()
	select {
	case <-sk.done:
		_ = conn.NetConn().Close()
		return false
	default:
		sk.conn = conn
		return true
	}
}

// detach stops routing sk's channel to sk (if it still does).
func (s *Server) detach(sk *socket) {
	s.mu.Lock()
	if sk.ch.sock == sk {
		sk.ch.sock = nil
	}
	s.mu.Unlock()
}

func (sk *socket) setStall(on bool) {
	sk.stallMu.Lock()
	defer sk.stallMu.Unlock()
	switch {
	case on && sk.resume == nil:
		sk.resume = make(chan struct{})
	case !on && sk.resume != nil:
		close(sk.resume)
		sk.resume = nil
	}
}

func (sk *socket) stallChan() chan struct{} {
	sk.stallMu.Lock()
	defer sk.stallMu.Unlock()
	return sk.resume
}

// sockets returns every connected socket.
func (s *Server) sockets() []*socket {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.socketsLocked()
}

func (s *Server) socketsLocked() []*socket {
	out := make([]*socket, 0, len(s.channels))
	for _, ch := range s.channels {
		if ch.sock != nil {
			out = append(out, ch.sock)
		}
	}
	return out
}

// socketOf returns the channel's connected socket, or nil.
func (s *Server) socketOf(channelID string) *socket {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch := s.channels[channelID]; ch != nil {
		return ch.sock
	}
	return nil
}
