#!/usr/bin/env bash
# Runs the benchmarks of ./bench once and prints one table: benchmark, value, baseline,
# ratio, target, verdict. Not part of CI. Usage: bench/run.sh [raw-output-file]
# Ingestion runs on one core (-cpu 1) fed by the replay process (another process writing
# pre-encoded frames); its per-stage CPU comes from a CPU profile of that run. The rest
# use every core. BENCH_EVENTS sets the ingestion event count (default 200000);
# BENCH_INGEST_ONLY=1 runs only ingestion and latency. The ingestion target is relative:
# the full path's events per CPU-second over those of the floor measured in the same run
# (bare loop + one body pass + packet), at least 70 % (issue 24).
set -euo pipefail
cd "$(dirname "$0")/.."
raw="${1:-$(mktemp)}"
events="${BENCH_EVENTS:-200000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
{
  go test -run '^$' -bench 'Ingest' -benchtime "${events}x" -cpu 1 -benchmem \
    -cpuprofile "$work/cpu.prof" -o "$work/bench.test" ./bench
  # CPU per stage, from the profile (cumulative ms of each stage's entry point).
  go tool pprof -top -cum -unit=ms -nodecount=100000 "$work/bench.test" "$work/cpu.prof" 2>/dev/null | awk '
    function ms(s) { sub(/ms$/, "", s); return s + 0 }
    $NF ~ /session\.\(\*Manager\)\.read$/ { read = ms($4) }
    $NF ~ /hub\.\(\*Hub\)\.Event$/ { hub = ms($4) }
    $NF ~ /plugin\.namedStreamer\.Frame$/ { fr = ms($4) }
    $NF ~ /livestream\.\(\*Batcher\)\.send$/ { pk = ms($4) }
    $NF ~ /runtime\.gcBgMarkWorker$/ { gc = ms($4) }
    END { printf "BenchmarkIngestStages 1 %.0f session-ms %.0f hub-ms %.0f frames-ms %.0f packet-ms %.0f gc-ms\n", read - hub, hub, fr, pk, gc }'
  if [ -n "${BENCH_INGEST_ONLY:-}" ]; then
    go test -run '^$' -bench 'Latency' -benchtime 1x ./bench
  else
    go test -run '^$' -bench 'Latency|Memory|Recovery|Scale' -benchtime 1x ./bench
  fi
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
  F = lines["BenchmarkIngestFull"]; B = lines["BenchmarkIngestBare"]; S = lines["BenchmarkIngestBareStdlib"]
  full = metric(F, "events/cpu-s"); bare = metric(B, "events/cpu-s")
  if (full != "" && bare != "") {
    r = full / bare
    row("ingest bare: read + envelope, ev/cpu-s", sprintf("%.0f", bare), "", "", "report", "-")
    row("ingest bare, envelope by encoding/json", sprintf("%.0f", metric(S, "events/cpu-s")), sprintf("%.0f", bare),
        sprintf("%.0f%%", 100 * metric(S, "events/cpu-s") / bare), "report (earlier baseline)", "-")
    row("ingest full: socket→live packet, ev/cpu-s", sprintf("%.0f", full), "", "", "report", "-")
    row("ingest full / bare (same run)", sprintf("%.0f", full), sprintf("%.0f", bare), sprintf("%.0f%%", 100 * r),
        "report", "-")
    row("ingest full, wall clock ev/s (bare)", sprintf("%.0f", metric(F, "events/s")), sprintf("%.0f", metric(B, "events/s")),
        "", "report (shared machine)", "-")
    n = F; split(n, parts, /[ \t]+/); total = parts[2]; drop = metric(F, "dropped"); deliv = total - drop
    row("ingest: live events dropped by hub (behind)", drop " of " total, "", "", "report", "-")
    row("ingest: allocs/event (full, all goroutines)", metric(F, "allocs/op"), metric(B, "allocs/op"), "", "report", "-")
    st = lines["BenchmarkIngestStages"]
    if (st != "") {
      row("ingest CPU ns/event: session (read+decode)", sprintf("%.0f", 1e6 * metric(st, "session-ms") / total), "", "", "report", "-")
      row("ingest CPU ns/event: hub", sprintf("%.0f", 1e6 * metric(st, "hub-ms") / total), "", "", "report", "-")
      row("ingest CPU ns/delivered event: frames+names", sprintf("%.0f", 1e6 * metric(st, "frames-ms") / deliv), "", "", "report", "-")
      row("ingest CPU ns/delivered event: packet", sprintf("%.0f", 1e6 * metric(st, "packet-ms") / deliv), "", "", "report", "-")
      row("ingest CPU ns/event: GC (background)", sprintf("%.0f", 1e6 * metric(st, "gc-ms") / total), "", "", "report", "-")
      # The floor: work no design on this stack skips — the bare loop, one validating
      # pass over the body (a packet carries values from all over it) and the packet
      # encoding, as measured in this run. The target (issue 24) is relative to it: the
      # full path must reach 70 % of the floor, in events per CPU-second.
      bodyns = metric(lines["BenchmarkIngestFloorBody"], "cpu-ns/event")
      barens = metric(B, "cpu-ns/event"); fullns = metric(F, "cpu-ns/event")
      if (bodyns != "" && deliv > 0) {
        floor = barens + bodyns + 1e6 * metric(st, "packet-ms") / deliv
        row("ingest floor: bare + body pass + packet", sprintf("%.0f ev/cpu-s", 1e9 / floor), sprintf("%.0f", bare),
            sprintf("%.0f%%", 100 * barens / floor), "report", "-")
        fr = full * floor / 1e9 # full path events/CPU-s over those of the floor
        row("ingest full / floor (same run)", sprintf("%.0f", full), sprintf("%.0f", 1e9 / floor), sprintf("%.1f%%", 100 * fr),
            ">= 70% of floor", pass(fr >= 0.7) (fr >= 0.7 ? "" : sprintf(" (%.2fx short)", 0.7 / fr)))
        row("ingest: ns/event beyond the floor", sprintf("%.0f used", fullns - floor), sprintf("%.0f at 70%%", floor / 0.7 - floor),
            "", "hub+tables+hand-offs+GC", "-")
      }
    }
  }
  for (rate = 1000; rate <= 10000; rate *= 10) {
    l = lines["BenchmarkLatency/rate=" rate]
    if (l == "") continue
    p99 = metric(l, "p99-ms")
    row("latency @" rate "/s p50/p99/max ms", sprintf("%s/%s/%s", metric(l, "p50-ms"), p99, metric(l, "max-ms")), "", "",
        "p99 <= 5 ms", pass(p99 <= 5) (p99 <= 5 ? "" : sprintf(" (%.1fx over)", p99 / 5)))
    row("latency @" rate "/s events not delivered", metric(l, "missing"), "", "", "report", "-")
  }
  row("latency: batching tick, added on top", "<= 100 ms", "", "", "report (livestream.FlushEvery)", "-")
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
