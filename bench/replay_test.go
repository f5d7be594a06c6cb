package bench

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The replay rig feeds the reader from WebSocket frames encoded once, before the
// benchmark, and written by another process that only copies those bytes to the socket.
// So the benchmark's single core (-cpu 1) runs the reader and what follows it, not a
// simulator encoding envelopes and framing messages on the same core.
//
// The replay process (this test binary re-executed with replayEnv set) is a front for the
// simulator: REST calls are proxied to it unchanged (with the front's Host, so the
// channel's connectUri points at the front), and WebSocket upgrades are answered by the
// front itself. GET /replay?n=N[&rate=R] then writes N frames of the recorded stream
// (cycled) to the socket that upgraded last, at full speed or at R frames per second.

const (
	replayEnv    = "GENESYS_BENCH_REPLAY"        // path of the recorded frames file
	replayTarget = "GENESYS_BENCH_REPLAY_TARGET" // simulator base URL
)

// wsFrame appends one unmasked, unfragmented server text frame holding payload.
func wsFrame(dst, payload []byte) []byte {
	dst = append(dst, 0x81) // FIN + text
	switch n := len(payload); {
	case n < 126:
		dst = append(dst, byte(n))
	case n <= 0xffff:
		dst = append(dst, 126)
		dst = binary.BigEndian.AppendUint16(dst, uint16(n))
	default:
		dst = append(dst, 127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	}
	return append(dst, payload...)
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

// replay is the benchmark's handle on the replay process.
type replay struct {
	URL string // http://127.0.0.1:port, the API base the session uses
	cmd *exec.Cmd
	hc  *http.Client
}

// startReplay records msgs as frames, starts the replay process in front of simURL and
// stops it when tb ends.
func startReplay(tb testing.TB, simURL string, msgs [][]byte) *replay {
	tb.Helper()
	var stream []byte
	for _, m := range msgs {
		stream = wsFrame(stream, m)
	}
	file := filepath.Join(tb.TempDir(), "frames")
	if err := os.WriteFile(file, stream, 0o600); err != nil {
		tb.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestReplayProcess$")
	cmd.Env = append(os.Environ(), replayEnv+"="+file, replayTarget+"="+simURL, "GOMAXPROCS=1")
	stdin, err := cmd.StdinPipe() // closed on cleanup: the process exits when it sees EOF
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	r := &replay{cmd: cmd, hc: &http.Client{Timeout: 10 * time.Second}}
	tb.Cleanup(func() {
		_ = stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() { // the test binary may print more (PASS); the first "listen" line counts
			if a, ok := strings.CutPrefix(sc.Text(), "listen "); ok {
				addr <- a
			}
		}
	}()
	select {
	case a := <-addr:
		r.URL = "http://" + a
	case <-time.After(10 * time.Second):
		tb.Fatal("replay process did not start")
	}
	return r
}

// send asks the replay process to write n frames (rate 0: at full speed) to the socket
// that upgraded last, and returns once it has started.
func (r *replay) send(tb testing.TB, n, rate int) {
	tb.Helper()
	resp, err := r.hc.Get(r.URL + "/replay?n=" + strconv.Itoa(n) + "&rate=" + strconv.Itoa(rate))
	if err != nil {
		tb.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		tb.Fatalf("replay: HTTP %d %s", resp.StatusCode, body)
	}
}

// upgrades returns how many sockets the replay process has accepted.
func (r *replay) upgrades(tb testing.TB) int {
	tb.Helper()
	resp, err := r.hc.Get(r.URL + "/upgrades")
	if err != nil {
		tb.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	n, err := strconv.Atoi(strings.TrimSpace(string(body)))
	if err != nil {
		tb.Fatalf("replay /upgrades: %q", body)
	}
	return n
}

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
