package bench

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestReplayProcess is the replay process's entry point; in a normal test run (no
// replayEnv) it does nothing.
func TestReplayProcess(t *testing.T) {
	file := os.Getenv(replayEnv)
	if file == "" {
		t.Skip("the benchmarks' replay process; runs only when started by them")
	}
	if err := serveReplay(file, os.Getenv(replayTarget), os.Stdin, os.Stdout); err != nil {
		t.Fatal(err)
	}
}

// replayServer holds the recorded stream and the sockets it wrote to.
type replayServer struct {
	stream []byte
	ends   []int
	mu     sync.Mutex
	conn   net.Conn // the socket that upgraded last
	count  int
	busy   sync.WaitGroup // writers in flight
}

// serveReplay serves until stop reaches EOF.
func serveReplay(file, target string, stop io.Reader, out io.Writer) error {
	stream, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	ends, err := frameEnds(stream)
	if err != nil || len(ends) == 0 {
		return fmt.Errorf("frames file: %v (%d frames)", err, len(ends))
	}
	u, err := url.Parse(target)
	if err != nil {
		return err
	}
	rs := &replayServer{stream: stream, ends: ends}
	proxy := httputil.NewSingleHostReverseProxy(u) // keeps the inbound Host: connectUri names the front
	mux := http.NewServeMux()
	mux.HandleFunc("/replay", rs.handleReplay)
	mux.HandleFunc("/upgrades", func(w http.ResponseWriter, _ *http.Request) {
		rs.mu.Lock()
		defer rs.mu.Unlock()
		fmt.Fprintln(w, rs.count)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if websocket.IsWebSocketUpgrade(r) {
			rs.upgrade(w, r)
			return
		}
		proxy.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	fmt.Fprintf(out, "listen %s\n", ln.Addr())
	_, _ = io.Copy(io.Discard, stop)
	_ = srv.Close()
	rs.mu.Lock()
	if rs.conn != nil {
		_ = rs.conn.Close()
	}
	rs.mu.Unlock()
	rs.busy.Wait()
	return nil
}

func (rs *replayServer) upgrade(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	c, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	nc := c.NetConn()
	rs.mu.Lock()
	rs.conn = nc
	rs.count++
	rs.mu.Unlock()
	go func() { // discard what the client writes (pings, close) so it never blocks
		_, _ = io.Copy(io.Discard, nc)
		_ = nc.Close()
	}()
}

func (rs *replayServer) handleReplay(w http.ResponseWriter, r *http.Request) {
	n, err1 := strconv.Atoi(r.URL.Query().Get("n"))
	rate, err2 := strconv.Atoi(r.URL.Query().Get("rate"))
	rs.mu.Lock()
	conn := rs.conn
	rs.mu.Unlock()
	if err1 != nil || err2 != nil || n < 0 || rate < 0 || conn == nil {
		http.Error(w, "want n>=0, rate>=0 and an upgraded socket", http.StatusBadRequest)
		return
	}
	rs.busy.Add(1)
	go func() {
		defer rs.busy.Done()
		if rate == 0 {
			rs.write(conn, 0, n)
			return
		}
		// Paced: rate/1000 frames per millisecond slot (at least one).
		per := max(rate/1000, 1)
		slot := time.Second * time.Duration(per) / time.Duration(rate)
		start := time.Now()
		for sent, k := 0, 0; sent < n; k++ {
			m := min(per, n-sent)
			if rs.write(conn, sent, m) != nil {
				return
			}
			sent += m
			if wait := time.Until(start.Add(time.Duration(k+1) * slot)); wait > 0 {
				time.Sleep(wait)
			}
		}
	}()
	w.WriteHeader(http.StatusAccepted)
}

// write copies frames [from, from+n) of the cycled stream to conn, in as few writes as
// the cycle allows.
func (rs *replayServer) write(conn net.Conn, from, n int) error {
	count := len(rs.ends)
	for n > 0 {
		i := from % count
		j := min(i+n, count)
		start := 0
		if i > 0 {
			start = rs.ends[i-1]
		}
		if _, err := conn.Write(rs.stream[start:rs.ends[j-1]]); err != nil {
			return err
		}
		n -= j - i
		from += j - i
	}
	return nil
}

// frameEnds returns the end offset of each frame in a stream written by wsFrame.
func frameEnds(stream []byte) ([]int, error) {
	var ends []int
	for i := 0; i < len(stream); {
		if len(stream)-i < 2 {
			return nil, fmt.Errorf("truncated frame header at %d", i)
		}
		n, hdr := int(stream[i+1]&0x7f), 2
		switch n {
		case 126:
			n, hdr = int(binary.BigEndian.Uint16(stream[i+2:])), 4
		case 127:
			n, hdr = int(binary.BigEndian.Uint64(stream[i+2:])), 10
		}
		i += hdr + n
		if i > len(stream) {
			return nil, fmt.Errorf("truncated frame ending at %d", i)
		}
		ends = append(ends, i)
	}
	return ends, nil
}
