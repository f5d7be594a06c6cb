package simulator

import (
	"encoding/json"
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
	conn    *websocket.Conn
	token   string // owner token hash, for records
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
	now := s.clock.Now()
	s.mu.Lock()
	ch := s.channels[id]
	if ch != nil && !now.Before(ch.expires) {
		ch = nil
	}
	var owner *token
	stale := false
	if ch != nil {
		owner = ch.owner
		stale = !owner.valid(now)
	}
	s.mu.Unlock()
	if ch == nil {
		s.record(Record{Kind: "upgrade_rejected", Channel: id, Status: 404, Detail: "channel not found or expired"})
		s.writeError(w, 404, "", "Channel "+id+" not found")
		return
	}
	if stale && !s.cfg.DropStaleUpgrades {
		s.record(Record{Kind: "upgrade_rejected", Channel: id, Token: owner.hash, Status: 401, Detail: "channel's token expired or revoked"})
		s.writeError(w, 401, "", "Invalid login credentials.")
		return
	}
	drop := stale
	if !drop {
		for {
			n := s.dropUpgrades.Load()
			if n <= 0 || s.dropUpgrades.CompareAndSwap(n, n-1) {
				drop = n > 0
				break
			}
		}
	}
	conn, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.record(Record{Kind: "upgrade_rejected", Channel: id, Token: owner.hash, Status: 400, Detail: "not a websocket handshake"})
		return
	}
	if drop {
		why := "fault: drop upgrade"
		if stale {
			why = "channel's token expired or revoked"
		}
		s.record(Record{Kind: "upgrade_dropped", Channel: id, Token: owner.hash, Status: 101, Detail: why})
		_ = conn.NetConn().Close()
		return
	}
	sk := &socket{s: s, ch: ch, conn: conn, token: owner.hash, out: make(chan []byte, s.cfg.SocketQueue), ctrl: make(chan frame, 4), done: make(chan struct{})}
	conn.SetReadLimit(int64(s.cfg.MaxMessageBytes))
	sk.takeControlFrames()
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		_ = conn.NetConn().Close()
		return
	default:
	}
	if s.channels[id] != ch {
		s.mu.Unlock()
		s.record(Record{Kind: "upgrade_dropped", Channel: id, Token: owner.hash, Status: 101, Detail: "channel vanished during upgrade"})
		_ = conn.NetConn().Close()
		return
	}
	old := ch.sock
	ch.sock, ch.lastUsed, ch.closing = sk, now, false
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	if old != nil {
		s.record(Record{Kind: "socket_kicked", Channel: id, Token: owner.hash, Detail: "a second socket connected to the channel"})
		old.abort()
	}
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
	s.mu.Lock()
	if ch.sock == sk {
		ch.sock = nil
	}
	s.mu.Unlock()
	s.record(Record{Kind: "socket_closed", Channel: id, Token: owner.hash,
		Detail: "sent " + itoa(sk.sent.Load()) + ", dropped " + itoa(sk.dropped.Load())})
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
		var m struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(data, &m) == nil && m.Message == "ping" {
			sk.s.record(Record{Kind: "ping", Channel: sk.ch.id, Token: sk.token})
			if sk.s.pongs.Load() {
				sk.enqueue(pongMsg)
			}
			continue
		}
		sk.s.record(Record{Kind: "client_message", Channel: sk.ch.id, Token: sk.token, Detail: itoa(int64(len(data))) + " bytes"})
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

// abort closes the TCP connection without a close frame: the client sees 1006.
func (sk *socket) abort() {
	sk.once.Do(func() {
		close(sk.done)
		_ = sk.conn.NetConn().Close()
	})
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
