package plugin

import (
	"testing"

	"go.uber.org/goleak"
)

// Every goroutine the package starts (leases, streams) must be gone after the tests.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
