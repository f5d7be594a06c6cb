// Package reliability holds the soak suite: hours of simulated time against the
// simulator with seeded random faults, asserting the connection manager's promises
// (bounded reconnects, no silent loss, bounded memory, no leaks, no secrets). It has
// only tests; run them with go test -race ./pkg/reliability/...
package reliability
