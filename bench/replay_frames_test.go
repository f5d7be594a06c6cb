package bench

import (
	"bytes"
	"testing"
)

// The replay stream's framing: every length class of RFC 6455 (7-bit, 16-bit, 64-bit)
// encodes to a header frameEnds reads back, and the payloads come out intact.
func TestReplayFramesRoundTrip(t *testing.T) {
	sizes := []int{0, 1, 125, 126, 1000, 65535, 65536, 70000}
	var stream []byte
	var payloads [][]byte
	for i, n := range sizes {
		p := bytes.Repeat([]byte{byte('a' + i)}, n)
		payloads = append(payloads, p)
		stream = wsFrame(stream, p)
	}
	ends, err := frameEnds(stream)
	if err != nil || len(ends) != len(sizes) {
		t.Fatalf("frameEnds: %d frames, %v", len(ends), err)
	}
	start := 0
	for i, end := range ends {
		f := stream[start:end]
		if f[0] != 0x81 {
			t.Errorf("frame %d: first byte %#x, want FIN+text", i, f[0])
		}
		if !bytes.HasSuffix(f, payloads[i]) || len(f)-len(payloads[i]) > 10 {
			t.Errorf("frame %d: %d bytes for a %d-byte payload", i, len(f), len(payloads[i]))
		}
		start = end
	}
	if _, err := frameEnds(stream[:len(stream)-1]); err == nil {
		t.Error("a truncated stream was accepted")
	}
}
