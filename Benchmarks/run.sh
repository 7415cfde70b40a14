#!/usr/bin/env bash
# X archive ingest. Usage: Benchmarks/run.sh [tweet counts...]   (default: 10000 100000)
# Measures `personad --once` ingesting a generated X archive (read, parse, store, score, snapshot),
# and, on the same file, Python's json.loads after stripping the `window.YTD… =` prefix (what the
# best-known archive parser does) and pysimdjson (installed from PyPI if missing; skipped if it
# cannot be). Wall time, CPU time and peak RSS from /usr/bin/time -v, as a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -qq time >/dev/null; }
swift build -c release --product personad >&2
# PERSONAD_BIN runs another build (an older commit's, to compare on the same machine at the same time).
bin="${PERSONAD_BIN:-$(swift build -c release --show-bin-path)/personad}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
counts=("$@")
[ "${#counts[@]}" -gt 0 ] || counts=(10000 100000)
python3 -c "import simdjson" 2>/dev/null || pip install --quiet pysimdjson >/dev/null 2>&1 || true
simdjson=$(python3 -c "import simdjson; print('yes')" 2>/dev/null || echo no)
echo "| tweets | tweets.js MB | tool | wall s | user+sys s | peak RSS MB | MB/s |"
echo "|---:|---:|---|---:|---:|---:|---:|"
row() { # label, n, size, time file
    local wall cpu rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$4")
    cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$4")
    rss=$(awk -F': ' '/Maximum resident/ {print $2/1024}' "$4")
    awk -v n="$2" -v b="$3" -v w="$wall" -v c="$cpu" -v r="$rss" -v l="$1" \
        'BEGIN { printf "| %d | %.1f | %s | %.2f | %.2f | %.0f | %.1f |\n", n, b/1e6, l, w, c, r, (b/1e6)/w }'
}
for n in "${counts[@]}"; do
    archive="$work/x-$n"
    python3 Benchmarks/generate-x-archive.py "$n" "$archive"
    cat > "$work/bench.toml" <<TOML
[daemon]
state_directory = "$work/state-$n"
[[persona]]
id = "bench"
network = "x"
handle = "bench"
  [[persona.source]]
  kind = "export"
  path = "$archive"
TOML
    size=$(stat -c %s "$archive/data/tweets.js")
    /usr/bin/time -v "$bin" --config "$work/bench.toml" --once --log-level warning 2> "$work/time-$n.txt" >/dev/null
    row personad "$n" "$size" "$work/time-$n.txt"
    /usr/bin/time -v python3 -c "
import json, sys
text = open(sys.argv[1], encoding='utf-8').read()
tweets = json.loads(text[text.index('['):])
print(len(tweets))" "$archive/data/tweets.js" 2> "$work/py-$n.txt" >/dev/null
    row "python json.loads" "$n" "$size" "$work/py-$n.txt"
    if [ "$simdjson" = yes ]; then
        /usr/bin/time -v python3 -c "
import simdjson, sys
data = open(sys.argv[1], 'rb').read()
tweets = simdjson.Parser().parse(data[data.index(b'['):])
print(len(tweets))" "$archive/data/tweets.js" 2> "$work/simd-$n.txt" >/dev/null
        row pysimdjson "$n" "$size" "$work/simd-$n.txt"
    fi
    rm -rf "$archive" "$work/state-$n"
done
