package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// socketConn is one WebSocket: the loop writes (pings, close), one reader goroutine reads.
type socketConn struct {
	conn       *websocket.Conn
	ch         *channelState // the channel it belongs to (immutable)
	lastMsg    atomic.Int64  // unix nanos (session clock) of the last message
	gotAny     atomic.Bool   // any message received
	msgs       atomic.Int64  // messages received
	msgsAtPing int64         // loop only: msgs when the watchdog pinged
	pingAt     time.Time     // loop only: when the watchdog pinged; zero = none outstanding
	drainAt    time.Time     // loop only: a retired socket's next drain step (close frame, then deadline)
	retiredAt  time.Time     // loop only: when its replacement took over (subscribed and swapped in)
	closeSent  bool          // loop only: the close frame went out; the reader reads up to the reply
	retired    atomic.Bool   // replaced on purpose: its end is not a loss
	lostEarly  atomic.Bool   // the reader saw the socket end before it was retired
	waiting    atomic.Bool   // the reader waits for a message, or has returned: it has handed on everything it read
	closeOnce  sync.Once
	writeMu    sync.Mutex        // one writer at a time (watchdog, Check, close frame)
	done       chan struct{}     // closed when the reader returns
	names      map[string]string // reader only: interned topic names (handle)
}

const writeTimeout = 10 * time.Second

// errHandshake carries the HTTP status of a refused upgrade.
type errHandshake struct{ status int }

func (e *errHandshake) Error() string {
	return fmt.Sprintf("socket upgrade refused: HTTP %d", e.status)
}

// dial opens the socket of ch (never sends a token: the channel id is the credential).
func (m *Manager) dial(ctx context.Context, ch *channelState) (*socketConn, error) {
	d := websocket.Dialer{HandshakeTimeout: m.cfg.HandshakeTimeout, Proxy: http.ProxyFromEnvironment}
	if hc := m.cfg.HTTPClient; hc != nil {
		if tr, ok := hc.Transport.(*http.Transport); ok { // same proxy and TLS as REST
			d.Proxy, d.TLSClientConfig = tr.Proxy, tr.TLSClientConfig
		}
	}
	ctx, cancel := context.WithTimeout(ctx, m.cfg.HandshakeTimeout)
	defer cancel()
	conn, resp, err := d.DialContext(ctx, ch.uri, nil)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		if resp != nil && errors.Is(err, websocket.ErrBadHandshake) {
			return nil, &errHandshake{status: resp.StatusCode}
		}
		return nil, fmt.Errorf("socket upgrade: %w", err)
	}
	s := &socketConn{conn: conn, ch: ch, done: make(chan struct{})}
	s.lastMsg.Store(m.cfg.Clock.Now().UnixNano())
	m.ctr.add(&m.ctr.sockets, 1)
	m.mu.Lock()
	if m.stopped { // Close has begun: it must not wait for a reader it cannot see
		m.mu.Unlock()
		_ = conn.Close()
		return nil, errStopped
	}
	m.live[s] = struct{}{} // Close closes whatever is still open here
	m.mu.Unlock()
	m.wg.Add(1)
	go m.read(s)
	return s, nil
}

// close closes the connection at once; the reader then returns.
func (s *socketConn) close() {
	s.closeOnce.Do(func() { _ = s.conn.Close() })
}

// sendClose starts the closing handshake without closing: the reader goes on reading
// what the peer sent before its close reply, then returns.
func (s *socketConn) sendClose() {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	_ = s.conn.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseNormalClosure, "replaced"), time.Now().Add(time.Second))
}

// closeGracefully sends a close frame, then closes.
func (s *socketConn) closeGracefully() {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	_ = s.conn.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye"), time.Now().Add(time.Second))
	s.close()
}

// ping sends the client health check message.
func (s *socketConn) ping() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	_ = s.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	return s.conn.WriteMessage(websocket.TextMessage, []byte(`{"message":"ping"}`))
}

// read delivers messages until the socket fails, then tells the loop.
func (m *Manager) read(s *socketConn) {
	defer m.wg.Done()
	defer close(s.done)
	defer func() {
		m.mu.Lock()
		delete(m.live, s)
		m.mu.Unlock()
	}()
	max := int64(m.cfg.MaxMessageBytes)
	var buf []byte // reused for every message: handle copies what it keeps
	for {
		s.waiting.Store(true)
		_, r, err := s.conn.NextReader()
		if err != nil { // waiting stays set: nothing read is left undelivered
			s.lostEarly.Store(!s.retired.Load())
			s.close()
			m.addNote(note{sock: s, kind: "lost", reason: closeReason(err)})
			return
		}
		s.waiting.Store(false)
		data, err := readMessage(buf[:0], r, max+1)
		buf = data
		if err == nil && int64(len(data)) > max {
			n, _ := io.Copy(io.Discard, r) // skip the rest without holding it
			m.ctr.add(&m.ctr.oversized, 1)
			m.cfg.Logger.Warn("skipped an oversized notification", "bytes", int64(len(data))+n, "limit", max)
			m.touch(s, m.cfg.Clock.Now())
			continue
		}
		if err != nil {
			s.lostEarly.Store(!s.retired.Load())
			s.close()
			m.addNote(note{sock: s, kind: "lost", reason: closeReason(err)})
			return
		}
		now := m.cfg.Clock.Now() // one clock read per message: it costs ≈ 0.3 µs on a VM
		m.touch(s, now)
		m.handle(s, data, now)
	}
}

// readMessage appends at most limit bytes of r to buf (like io.ReadAll of an
// io.LimitReader, but into a buffer the caller reuses).
func readMessage(buf []byte, r io.Reader, limit int64) ([]byte, error) {
	for int64(len(buf)) < limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // grow
		}
		room := buf[len(buf):min(int64(cap(buf)), limit)]
		n, err := r.Read(room)
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

func (m *Manager) touch(s *socketConn, now time.Time) {
	s.lastMsg.Store(now.UnixNano())
	s.gotAny.Store(true)
	s.msgs.Add(1)
}

// closeReason names a socket failure for gaps and status, e.g. "socket closed (1006)".
func closeReason(err error) string {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return fmt.Sprintf("socket closed (%d)", ce.Code)
	}
	return "socket closed (1006)"
}

func (m *Manager) addNote(n note) {
	m.mu.Lock()
	if len(m.notes) < maxNotes || n.kind == "lost" {
		m.notes = append(m.notes, n)
	}
	m.mu.Unlock()
	m.poke()
}
