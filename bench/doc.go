// Package bench holds the plugin's benchmarks (go test -bench=. ./bench, or
// scripts/bench for the summary table). They are not part of CI's pass/fail; every
// figure is compared with a baseline measured in the same run. See BENCHMARKS.md.
package bench
