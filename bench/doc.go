// Package bench holds the plugin's benchmarks (go test -bench=. ./bench, or bench/run.sh
// for the summary table with targets and verdicts). They are not part of CI's pass/fail;
// every figure is compared with a baseline measured in the same run. Ingestion and latency
// read from the replay process (replay_test.go), which writes pre-encoded WebSocket frames
// from outside the benchmark process. bench/jsoncmp, a module of its own, compares the JSON
// tokenizer with libraries. See BENCHMARKS.md.
package bench
