#!/usr/bin/env bash
# One personad cycle over many HTTP sources, against curl fetching the same URLs, side by side.
#
#   Benchmarks/http-cycle.sh [FEEDS] [MASTODON] [ITEMS]     (default 10000 1000 20)
#
# ITEMS is the number of posts per feed: `Benchmarks/http-cycle.sh 1 0 100000` shows how the cost
# of one persona grows with its history.
#
# nginx (installed from apt if missing) serves on 127.0.0.1 FEEDS generated RSS feeds (20 items,
# ~9 KB, gzip on) and MASTODON accounts (lookup + a 40-status page). Measured with /usr/bin/time -v:
#   1. curl --parallel --parallel-max 50 fetching every URL personad's first pass requests (fetch only);
#   2. personad --once: fetch + parse + store + score + snapshots, first pass;
#   3. curl again with each URL's ETag (all 304);
#   4. personad --once again (all 304: no parsing, no post writes);
#   5. the running daemon's all-304 cycle: personad started once, then SIGUSR1, timed from the signal
#      to the new index.json (a new inode), CPU from /proc (no start-up costs).
# personad runs with max_connections = 50 and max_per_host = 50 to match curl (everything is on one host).
set -euo pipefail
cd "$(dirname "$0")/.."
feeds="${1:-10000}"
mastodon="${2:-1000}"
items="${3:-20}"
need=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
[ -x /usr/bin/time ] || need+=(time)
if [ "${#need[@]}" -gt 0 ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
swift build -c release --product personad >&2
swift build -c release --product personactl >&2
# PERSONAD_BIN runs another build (an older commit's, to compare on the same machine at the same time).
personad="${PERSONAD_BIN:-$(swift build -c release --show-bin-path)/personad}"
personactl="$(swift build -c release --show-bin-path)/personactl"

work="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
cleanup() { [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; [ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"; }
trap cleanup EXIT
python3 Benchmarks/generate-http-fixtures.py "$work" "$port" "$feeds" "$mastodon" "$items"
chmod 755 "$work" && chmod -R a+rX "$work/www" # nginx's workers run as another user
mkdir -p "$work/tmp" "$work/logs"
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    client_body_temp_path $work/tmp/body;
    proxy_temp_path $work/tmp/proxy;
    fastcgi_temp_path $work/tmp/fastcgi;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;
    gzip on;
    gzip_types application/rss+xml application/json text/xml application/xml;
    server {
        listen 127.0.0.1:$port;
        root $work/www;
        location /feeds/ { types { application/rss+xml xml; } }
        location = /api/v1/accounts/lookup { default_type application/json; try_files /lookup/\$arg_acct.json =404; }
        location /api/v1/accounts/ { default_type application/json; }
    }
}
NGINX
"$nginx_bin" -c "$work/nginx.conf" -p "$work"
sleep 0.5

# curl: one config file per pass; the second pass sends each URL's saved ETag.
mkdir -p "$work/etags"
{ echo "parallel"; echo "parallel-max = 50"; } > "$work/curl-first.cfg"
{ echo "parallel"; echo "parallel-max = 50"; } > "$work/curl-second.cfg"
# One block per URL, separated by `next`; the second pass sends each URL's saved ETag.
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
first = open(f"{work}/urls-first.txt").read().split()
second = open(f"{work}/urls-second.txt").read().split()
index = {url: i + 1 for i, url in enumerate(first)}
def write(name, blocks):
    with open(f"{work}/{name}", "a") as f:
        f.write("next\n".join(blocks))
write("curl-first.cfg", [f'url = "{url}"\noutput = "/dev/null"\nsilent\ncompressed\netag-save = "{work}/etags/{i + 1}"\n'
                         for i, url in enumerate(first)])
write("curl-second.cfg", [f'url = "{url}"\noutput = "/dev/null"\nsilent\ncompressed\netag-compare = "{work}/etags/{index[url]}"\n'
                          f'write-out = "%{{http_code}}\\n"\n' for url in second])
PY

measure() { # label, command...
    local label="$1"; shift
    # Each pass starts with the disk quiet: the previous pass's writeback must not be charged to
    # this one (an fsync in this pass would wait for it).
    sync
    /usr/bin/time -v "$@" > "$work/$label.out" 2> "$work/$label.time" || { echo "$label failed:" >&2; tail -5 "$work/$label.time" >&2; }
    awk -F': ' -v label="$label" '
        /Elapsed \(wall clock\)/ { n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; wall = s }
        /User time/ { user = $2 } /System time/ { sys = $2 } /Maximum resident/ { rss = $2 / 1024 }
        END { printf "%s %.2f %.2f %.0f\n", label, wall, user + sys, rss }' "$work/$label.time"
}

results="$work/results"
measure curl-first curl -s -K "$work/curl-first.cfg" >> "$results"
measure personad-first "$personad" --config "$work/personad.toml" --once --log-level warning >> "$results"
measure curl-second curl -s -K "$work/curl-second.cfg" >> "$results"
measure personad-second "$personad" --config "$work/personad.toml" --once --log-level warning >> "$results"
# 5. The daemon: start it, wait until it is ready, then time one SIGUSR1 cycle.
"$personad" --config "$work/personad.toml" --log-level warning 2> "$work/daemon.log" &
daemon=$!
pidfile="$work/state/personad.pid"
for _ in $(seq 1 600); do [ -s "$pidfile" ] && [ "$(stat -c %Y "$work/state/snapshots/index.json")" -ge "$(stat -c %Y "$pidfile")" ] && break; sleep 0.1; done
sleep 1
sync
ticks() { awk '{print $14 + $15}' "/proc/$daemon/stat"; }
# SIGUSR1 sent directly and index.json's inode watched, so that personactl's own start-up (it reads
# the 11,000-persona configuration) is not counted; `personactl refresh --wait` checks the same end.
index="$work/state/snapshots/index.json"
inode=$(stat -c %i "$index")
before=$(ticks); start=$(date +%s.%N)
kill -USR1 "$daemon"
for _ in $(seq 1 12000); do [ "$(stat -c %i "$index")" != "$inode" ] && break; sleep 0.01; done
end=$(date +%s.%N); after=$(ticks)
"$personactl" --config "$work/personad.toml" status > /dev/null # the index it left is readable
rss=$(awk '/VmHWM/ {print $2 / 1024}' "/proc/$daemon/status")
kill -TERM "$daemon"; wait "$daemon" || true
hz=$(getconf CLK_TCK)
awk -v s="$start" -v e="$end" -v b="$before" -v a="$after" -v hz="$hz" -v rss="$rss" \
    'BEGIN { printf "daemon-304 %.2f %.2f %.0f\n", e - s, (a - b) / hz, rss }' >> "$results"

not_modified=$(grep -c '^304$' "$work/curl-second.out" || true)
snapshots=$(find "$work/state/snapshots" -name '*.json' | wc -l)
requests_first=$(wc -l < "$work/urls-first.txt")
requests_second=$(wc -l < "$work/urls-second.txt")

echo
echo "$feeds feeds of $items posts + $mastodon Mastodon accounts; first pass $requests_first requests, second pass $requests_second (curl saw $not_modified × 304); $snapshots snapshot files"
echo
echo "| pass | curl wall s | curl CPU s | curl RSS MB | personad wall s | personad CPU s | personad RSS MB | wall ratio | personad CPU ms/source |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
awk -v sources=$((feeds + mastodon)) '
    { wall[$1] = $2; cpu[$1] = $3; rss[$1] = $4 }
    END {
        split("first second", passes, " ")
        for (i = 1; i <= 2; i++) {
            p = passes[i]; c = "curl-" p; d = "personad-" p
            printf "| %s | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f | %.2f× | %.2f |\n", (p == "first" ? "full (200), --once" : "all 304, --once"),
                wall[c], cpu[c], rss[c], wall[d], cpu[d], rss[d], wall[d] / wall[c], 1000 * cpu[d] / sources
        }
        printf "| all 304, running daemon (SIGUSR1) | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f (peak since start) | %.2f× | %.2f |\n",
            wall["curl-second"], cpu["curl-second"], rss["curl-second"], wall["daemon-304"], cpu["daemon-304"], rss["daemon-304"],
            wall["daemon-304"] / wall["curl-second"], 1000 * cpu["daemon-304"] / sources
    }' "$results"
