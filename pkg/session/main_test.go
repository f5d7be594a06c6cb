package session

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when any goroutine (socket reader, loop, HTTP
// connection) outlives its test's Close.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
