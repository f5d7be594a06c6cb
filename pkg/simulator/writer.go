package simulator

import (
	"bufio"
	"encoding/binary"
	"time"

	"github.com/gorilla/websocket"
)

// The writer frames messages itself onto the hijacked connection so that it can batch many
// small messages into one write (gorilla flushes every message): the socket's writer
// goroutine is its only writer, and gorilla's own control-frame replies are routed to it.

const (
	opText   = 0x1
	opClose  = 0x8
	opPong   = 0xA
	maxBatch = 64 << 10 // flush at least this often while a burst drains
)

type frame struct {
	op   byte
	data []byte
}

// takeControlFrames routes gorilla's pong and close replies through the writer.
func (sk *socket) takeControlFrames() {
	sk.conn.SetPingHandler(func(data string) error {
		select {
		case sk.ctrl <- frame{opPong, []byte(data)}:
		default: // a client flooding pings loses some pongs
		}
		return nil
	})
	sk.conn.SetCloseHandler(func(code int, _ string) error {
		payload := []byte{}
		if code != websocket.CloseNoStatusReceived {
			payload = binary.BigEndian.AppendUint16(nil, uint16(code))
		}
		select {
		case sk.ctrl <- frame{opClose, payload}:
		default:
		}
		return nil
	})
}

func writeFrame(w *bufio.Writer, op byte, payload []byte) error {
	var head [10]byte
	head[0] = 0x80 | op // FIN, server frames are not masked
	n := len(payload)
	switch {
	case n < 126:
		head[1] = byte(n)
		_, _ = w.Write(head[:2])
	case n <= 0xffff:
		head[1] = 126
		binary.BigEndian.PutUint16(head[2:], uint16(n))
		_, _ = w.Write(head[:4])
	default:
		head[1] = 127
		binary.BigEndian.PutUint64(head[2:], uint64(n))
		_, _ = w.Write(head[:10])
	}
	_, err := w.Write(payload)
	return err
}

func (sk *socket) writeLoop() {
	nc := sk.conn.NetConn()
	w := bufio.NewWriterSize(nc, maxBatch)
	// The deadline is set before each burst: bufio may write through while it fills.
	arm := func() { _ = nc.SetWriteDeadline(time.Now().Add(writeTimeout)) }
	flush := func() bool { return w.Flush() == nil }
	// put writes one data message; it reports false when the socket must end.
	put := func(msg []byte) bool {
		if writeFrame(w, opText, msg) != nil {
			return false
		}
		n := sk.sent.Add(1)
		if d := sk.s.dropAfter.Load(); d > 0 && n >= d {
			flush()
			sk.s.record(Record{Kind: "socket_dropped", Channel: sk.ch.id, Token: sk.token, Detail: "fault: drop after " + itoa(d) + " messages"})
			return false
		}
		return true
	}
	for {
		if wait := sk.stallChan(); wait != nil {
			select {
			case <-wait:
			case <-sk.done:
				return
			}
			continue
		}
		select {
		case <-sk.done:
			return
		case f := <-sk.ctrl:
			arm()
			if writeFrame(w, f.op, f.data) != nil || !flush() || f.op == opClose {
				sk.abort()
				return
			}
		case msg := <-sk.out:
			arm()
			ok := put(msg)
			for ok && w.Buffered() < maxBatch && sk.stallChan() == nil {
				select {
				case msg = <-sk.out:
					ok = put(msg)
					continue
				default:
				}
				break
			}
			if !ok || !flush() {
				sk.abort()
				return
			}
		}
	}
}
