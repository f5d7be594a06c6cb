package plugin

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// Every goroutine the package starts (leases, streams) must be gone after the tests. The
// data sources store their stream queries under TMPDIR (querystore.go): a directory of
// the run's own, removed afterwards, keeps them out of the machine's /tmp.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "plugin-test-")
	if err != nil {
		panic(err)
	}
	_ = os.Setenv("TMPDIR", dir)
	goleak.VerifyTestMain(m, goleak.Cleanup(func(int) { _ = os.RemoveAll(dir) }))
}
