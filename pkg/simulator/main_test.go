package simulator

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any goroutine outlives its test: every simulator goroutine
// must stop with Close, the generator's context or its socket.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
