#!/usr/bin/env bash
# personad benchmarks. Usage: Benchmarks/run.sh [tweet counts...]   (default: 10000 100000)
# Measures `personad --once` ingesting a generated X archive (read, parse, store, score, snapshot),
# with wall time, CPU time and peak RSS from /usr/bin/time -v. Results go to stdout as a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -qq time >/dev/null; }
swift build -c release --product personad >&2
bin="$(swift build -c release --show-bin-path)/personad"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
counts=("$@")
[ "${#counts[@]}" -gt 0 ] || counts=(10000 100000)
echo "| tweets | tweets.js MB | wall s | user+sys s | peak RSS MB | MB/s |"
echo "|---:|---:|---:|---:|---:|---:|"
for n in "${counts[@]}"; do
    archive="$work/x-$n"
    python3 Benchmarks/generate-x-archive.py "$n" "$archive"
    cat > "$work/bench.toml" <<TOML
[daemon]
state_directory = "$work/state-$n"
[scoring]
window = "7300d"
[[persona]]
id = "bench"
network = "x"
handle = "bench"
  [[persona.source]]
  kind = "export"
  path = "$archive"
TOML
    /usr/bin/time -v "$bin" --config "$work/bench.toml" --once --log-level warning 2> "$work/time-$n.txt" >/dev/null
    size=$(stat -c %s "$archive/data/tweets.js")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/time-$n.txt")
    cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$work/time-$n.txt")
    rss=$(awk -F': ' '/Maximum resident/ {print $2/1024}' "$work/time-$n.txt")
    awk -v n="$n" -v b="$size" -v w="$wall" -v c="$cpu" -v r="$rss" \
        'BEGIN { printf "| %d | %.1f | %.2f | %.2f | %.0f | %.1f |\n", n, b/1e6, w, c, r, (b/1e6)/w }'
done
