// Package harness holds end-to-end tests that build the real plugin binary and drive
// it the way Grafana does: go-plugin handshake, then the SDK's pluginv2 gRPC services
// (diagnostics, data, stream, resource). It needs neither Docker nor Grafana.
package harness
