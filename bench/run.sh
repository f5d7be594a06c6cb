#!/usr/bin/env bash
# Runs the benchmarks of ./bench once and prints one table: benchmark, value, baseline,
# ratio, target, verdict. Not part of CI. Usage: bench/run.sh [raw-output-file]
# Ingestion runs on one core (-cpu 1: the in-process simulator shares it); the rest use
# every core. BENCH_EVENTS sets the ingestion event count (default 200000).
set -euo pipefail
cd "$(dirname "$0")/.."
raw="${1:-$(mktemp)}"
events="${BENCH_EVENTS:-200000}"
{
  go test -run '^$' -bench 'Ingest' -benchtime "${events}x" -cpu 1 ./bench
  go test -run '^$' -bench 'Latency|Memory|Recovery|Scale' -benchtime 1x ./bench
} | tee "$raw" >&2

awk '
function metric(line, unit,   n, i, f) {
  n = split(line, f, /[ \t]+/)
  for (i = 2; i <= n; i++) if (f[i] == unit) return f[i-1]
  return ""
}
/^Benchmark/ { name = $1; sub(/-[0-9]+$/, "", name); lines[name] = $0 }
function row(b, v, base, ratio, target, verdict) {
  printf "%-44s %-16s %-14s %-8s %-26s %s\n", b, v, base, ratio, target, verdict
}
function pass(ok) { return ok ? "PASS" : "MISS" }
END {
  row("benchmark", "value", "baseline", "ratio", "target", "verdict")
  full = metric(lines["BenchmarkIngestFull"], "events/s"); bare = metric(lines["BenchmarkIngestBare"], "events/s")
  if (full != "" && bare != "") {
    r = full / bare
    row("ingest events/s/core (socket→live packet)", sprintf("%.0f", full), sprintf("%.0f", bare), sprintf("%.0f%%", 100*r),
        ">=50% of bare, >=200000/s", pass(r >= 0.5 && full >= 200000))
    ing = metric(lines["BenchmarkIngestFull"], "ingested/s")
    row("ingest: session→hub events/s/core", sprintf("%.0f", ing), sprintf("%.0f", bare), sprintf("%.0f%%", 100*ing/bare), "report", "-")
    row("ingest: live events dropped by hub (behind)", metric(lines["BenchmarkIngestFull"], "dropped"), "", "", "report", "-")
  }
  for (rate = 1000; rate <= 10000; rate *= 10) {
    l = lines["BenchmarkLatency/rate=" rate]
    if (l == "") continue
    p99 = metric(l, "p99-ms")
    row("latency @" rate "/s p50/p99/max ms", sprintf("%s/%s/%s", metric(l, "p50-ms"), p99, metric(l, "max-ms")), "", "",
        "p99 <= 5 ms (+100ms batch)", pass(p99 <= 5))
  }
  m = lines["BenchmarkMemory"]
  if (m != "") {
    row("memory: heap B/event held (hub counts)", metric(m, "heap-B/event"), metric(m, "hub-B/event"), "", "report", "-")
    row("memory: events held, 5000 topics, 1h", metric(m, "held-events"), "", "", "report (bound-limited)", "-")
    row("memory: peak heap MiB, 1h realistic", metric(m, "peak-heap-MiB"), metric(m, "bound-MiB"), "", "report", "-")
    ov = metric(m, "overload-hub-MiB"); bd = metric(m, "bound-MiB")
    row("memory: hub MiB, 10x overload+stalled", ov, bd, sprintf("%.2f", ov / bd), "<= bound", pass(ov <= bd))
    row("memory: peak heap MiB, 10x overload", metric(m, "overload-peak-heap-MiB"), bd, "", "report", "-")
  }
  split("drop drop+expired-token socket_closing channel-expiry", fs, " ")
  for (i = 1; i <= 4; i++) {
    l = lines["BenchmarkRecovery/" fs[i]]
    if (l == "") continue
    lost = metric(l, "lost")
    tgt = (i >= 3) ? "0 lost" : "report"
    row("recovery " fs[i] " (fake clock s)", metric(l, "sim-s"), "", "", "report", "-")
    row("recovery " fs[i] " lost / in-gap", lost "/" metric(l, "in-gap"), "", "", tgt, (i >= 3) ? pass(lost == 0) : "-")
  }
  s = lines["BenchmarkScale"]
  if (s != "") {
    row("scale 1000 streams/2000 topics: channels", metric(s, "channels"), "", "", "<= 3 (budget)", pass(metric(s, "channels") <= 3))
    row("scale: upstream subscribe requests", metric(s, "subscribe-requests"), "", "", "report", "-")
    row("scale: CPU cores at 2000 ev/s", metric(s, "cpu-cores"), "", "", "report", "-")
    row("scale: hub drops to streams", metric(s, "hub-dropped"), "", "", "0", pass(metric(s, "hub-dropped") == 0))
  }
}' "$raw"
