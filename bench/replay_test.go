package bench

import (
	"bufio"
	"encoding/binary"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
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
