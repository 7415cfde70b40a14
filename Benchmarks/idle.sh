#!/usr/bin/env bash
# The daemon at rest: wake-ups and memory when nothing is due. Runs the demo's personas (every
# interval set to 30 minutes) in a release personad (or PERSONAD_BIN), waits for READY and the first snapshots,
# then counts, over SECONDS (default 120), every thread's context switches (a switch is a wake-up
# or a preemption: /proc/PID/task/*/status) and reads RSS. Usage: Benchmarks/idle.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-120}"
# PERSONAD_BIN: another build to measure (e.g. the installed, statically linked one from `make`).
if [ -n "${PERSONAD_BIN:-}" ]; then
    bin="$PERSONAD_BIN"
else
    swift build -c release --product personad >&2
    bin="$(swift build -c release --show-bin-path)/personad"
fi
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
sed -e "s|^state_directory = .*|state_directory = \"$work/state\"|" -e "s|^pid_file = .*|pid_file = \"$work/personad.pid\"|" \
    -e "s|^interval = .*|interval = \"30m\"|" -e '/^  interval = /d' -e "s|path = \"demo/|path = \"$(pwd)/Config/demo/|" \
    Config/demo.toml > "$work/idle.toml"
"$bin" --config "$work/idle.toml" > "$work/log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do grep -q "ready:" "$work/log" && break; sleep 0.1; done
grep -q "ready:" "$work/log" || { echo "idle: personad never became ready" >&2; cat "$work/log" >&2; exit 1; }
sleep 5
# Per thread, for the threads that live through the count: name, context switches.
per_thread() { for task in /proc/"$pid"/task/*; do
    echo "$(basename "$task") $(tr ' ' '_' < "$task/comm") $(awk '/ctxt_switches/ {s += $2} END {print s}' "$task/status")"; done; }
per_thread > "$work/threads.before"
# perf counts every switch of every thread, including threads that end during the count; the
# per-thread counters in /proc lose those.
if perf stat -e context-switches -x, -o "$work/perf" -p "$pid" -- sleep "$seconds" 2>/dev/null; then
    before=0
    after=$(awk -F, '/context-switches/ {print $1}' "$work/perf")
else
    switches() { cat /proc/"$pid"/task/*/status | awk '/ctxt_switches/ {s += $2} END {print s}'; }
    before=$(switches)
    sleep "$seconds"
    after=$(switches)
fi
threads=$(ls /proc/"$pid"/task | wc -l)
per_thread > "$work/threads.after"
join "$work/threads.before" "$work/threads.after" | awk -v s="$seconds" '{ printf "  thread %s (%s): %d switches = %.1f a minute\n", $1, $2, $5 - $3, ($5 - $3) * 60 / s }'

rss=$(awk '/VmRSS/ {print $2}' /proc/"$pid"/status)
anon=$(awk '/RssAnon/ {print $2}' /proc/"$pid"/status)
awk -v s="$seconds" -v d=$((after - before)) -v t="$threads" -v r="$rss" -v a="$anon" 'BEGIN {
    printf "over %d s: %d context switches in %d threads = %.1f a minute; RSS %.1f MB (anonymous %.1f MB)\n", s, d, t, d * 60 / s, r / 1024, a / 1024 }'
