#!/usr/bin/env bash
# Soak (Docs/reliability.md, section 7): PERSONAS blog personas (default 1,000) polled every 10 s
# from a loopback server whose feeds answer 304 when unchanged and of which a tenth change every
# 30 s, for MINUTES (default 30). Each minute it samples the daemon's RSS, open file descriptors and
# threads, the store's size on disk (database + WAL) and its score history rows; at the end it
# prints the table, the growth per hour and per day, and draws Docs/soak.svg (SOAK_PLOT=path).
# Usage: Benchmarks/reliability/soak.sh [PERSONAS] [MINUTES]
set -euo pipefail
cd "$(dirname "$0")/../.."
personas="${1:-1000}"
minutes="${2:-30}"
plot="${SOAK_PLOT:-Docs/soak.svg}"
swift build -c release --product personad >/dev/null
bin="$(swift build -c release --show-bin-path)/personad"
work="$(mktemp -d)"
server="" daemon=""
trap '[ -n "$daemon" ] && kill "$daemon" 2>/dev/null; [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

# The feeds: 12 posts each, newest first, reply counts overdispersed; a change adds one post and
# moves the counts. ETag per body, 304 on a match.
cat > "$work/server.py" <<'PY'
import hashlib, http.server, random, sys, threading, time, email.utils
count, port_file = int(sys.argv[1]), sys.argv[2]
rng = random.Random(12)
lock = threading.Lock()
version = [0] * count
start = time.time()
def body(n, v):
    # Version v shows posts v … v-11, newest first: a change is one new post, and the others'
    # reply counts move (drawn again from a heavy-tailed distribution).
    items = []
    for post in range(v, v - 12, -1):
        r = random.Random((n * 100003 + post) * 7919 + v)
        at = email.utils.formatdate(start - (v - post) * 2.5 * 86400 + v * 30 - n, usegmt=True)
        comments = int(r.paretovariate(1.2)) - 1
        items.append(f"<item><title>post {post}</title><link>https://blog{n}.example.org/{post}</link>"
                     f"<guid>https://blog{n}.example.org/{post}</guid><pubDate>{at}</pubDate>"
                     f"<slash:comments>{comments}</slash:comments><category>topic{(n + post) % 5}</category></item>")
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">'
            f'<channel><title>blog {n}</title>{"".join(items)}</channel></rss>').encode()
cache = {}
def current(n):
    with lock:
        v = version[n]
    key = (n, v)
    if key not in cache:
        data = body(n, v)
        cache[key] = (data, '"' + hashlib.sha1(data).hexdigest()[:16] + '"')
    return cache[key]
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def do_GET(self):
        try:
            n = int(self.path.rsplit("/", 1)[-1])
            data, etag = current(n)
        except (ValueError, IndexError):
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304); self.send_header("ETag", etag); self.send_header("Content-Length", "0"); self.end_headers(); return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml"); self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
def churn():
    while True:
        time.sleep(30)
        with lock:
            for n in rng.sample(range(count), max(1, count // 10)):
                version[n] += 1
threading.Thread(target=churn, daemon=True).start()
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
open(port_file, "w").write(str(server.server_address[1]))
server.serve_forever()
PY
python3 "$work/server.py" "$personas" "$work/port" & server=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port="$(cat "$work/port")"
{
    printf '[daemon]\nstate_directory = "%s/state"\npid_file = "%s/personad.pid"\ninterval = "10s"\n\n[scoring]\nwindow = "90d"\n\n' "$work" "$work"
    for n in $(seq 0 $((personas - 1))); do
        printf '[[persona]]\nid = "blog-%d"\nnetwork = "blog"\nhandle = "b%d"\n  [[persona.source]]\n  kind = "feed"\n  url = "http://127.0.0.1:%s/feed/%d"\n\n' "$n" "$n" "$port" "$n"
    done
} > "$work/personad.toml"

"$bin" --config "$work/personad.toml" > "$work/daemon.log" 2>&1 & daemon=$!
echo "soak: $personas personas every 10 s, a tenth changing every 30 s, for $minutes min (pid $daemon)"
sample() {  # minute rss_kb fds threads store_bytes history_rows
    local rss threads fds store rows
    rss="$(awk '/^VmRSS/ {print $2}' "/proc/$daemon/status")"
    threads="$(awk '/^Threads/ {print $2}' "/proc/$daemon/status")"
    fds="$(ls "/proc/$daemon/fd" | wc -l)"
    store="$(stat -c %s "$work/state/personad.sqlite" "$work/state/personad.sqlite-wal" 2>/dev/null | awk '{s += $1} END {print s + 0}')"
    rows="$(python3 -c "import sqlite3,sys; print(sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True).execute('select count(*) from score_history').fetchone()[0])" "$work/state/personad.sqlite" 2>/dev/null || echo 0)"
    echo "$1 $rss $fds $threads $store $rows"
}
: > "$work/samples"
for minute in $(seq 1 "$minutes"); do
    sleep 60
    kill -0 "$daemon" 2>/dev/null || { echo "soak: personad exited" >&2; tail -20 "$work/daemon.log" >&2; exit 1; }
    sample "$minute" | tee -a "$work/samples"
done
errors="$(grep -c ' error ' "$work/daemon.log" || true)"
python3 - "$work/state/personad.sqlite" <<'PY' || true
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
posts = db.execute("select count(*) from post").fetchone()[0]
rows, packed, parts = db.execute("select count(*), sum(length(score)), sum(length(parts)) from score_history").fetchone()
print(f"store at the end: {posts} posts, {rows} history entries ({(packed or 0) / max(rows, 1):.0f} bytes deflated + {(parts or 0) / max(rows, 1):.0f} bytes of points each)")
try:
    for name, size in db.execute("select name, sum(pgsize) from dbstat group by name order by 2 desc limit 5"):
        print(f"  {name}: {size / 1e6:.1f} MB")
except sqlite3.DatabaseError:
    pass
PY
bytes_per_row="$(python3 -c "
import sqlite3, sys
db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
rows, size = db.execute('select count(*), coalesce(sum(length(score)) + sum(length(parts)), 0) from score_history').fetchone()
print(round(size / rows) if rows else 0)" "$work/state/personad.sqlite")"
python3 - "$work/samples" "$plot" "$errors" "$bytes_per_row" "$personas" <<'PY'
import sys
samples = [list(map(int, line.split())) for line in open(sys.argv[1]) if line.strip()]
plot, errors, per_row, personas = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
print("| minute | RSS MB | fds | threads | store MB | history rows |\n|---|---|---|---|---|---|")
for m, rss, fds, threads, store, rows in samples:
    print(f"| {m} | {rss / 1024:.1f} | {fds} | {threads} | {store / 1e6:.1f} | {rows} |")
third = samples[len(samples) // 3]
last = samples[-1]
hours = (last[0] - third[0]) / 60
growth = (last[4] - third[4]) / 1e6 / hours if hours else 0
rows_h = (last[5] - third[5]) / hours if hours else 0
rss = [s[1] / 1024 for s in samples[len(samples) // 3:]]
print(f"\nRSS {min(rss):.1f}–{max(rss):.1f} MB after minute {third[0]}; fds {min(s[2] for s in samples)}–{max(s[2] for s in samples)}; "
      f"threads {min(s[3] for s in samples)}–{max(s[3] for s in samples)}; error lines in the log: {errors}")
history_h = rows_h * per_row / 1e6
print(f"store: +{growth:.1f} MB/h ({growth * 24 / 1000:.2f} GB/day) from minute {third[0]}; history +{rows_h:.0f} rows/h, "
      f"{per_row} bytes per row (entry + points), about {history_h:.1f} MB/h of it: with history_full = 14d that part "
      f"levels off near {history_h * 24 * 14 / 1000:.1f} GB (plus SQLite's page overhead) at this rate of change; the rest is "
      f"new posts, kept as data")
# A small plot: four panels over the minutes, each on its own scale from zero.
w, h, pad = 640, 420, 40
panels = [("RSS (MB)", [s[1] / 1024 for s in samples]), ("open fds", [s[2] for s in samples]),
          ("threads", [s[3] for s in samples]), ("store (MB)", [s[4] / 1e6 for s in samples])]
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11">',
       f'<rect width="{w}" height="{h}" fill="white"/>',
       f'<text x="{pad}" y="16" font-size="13">personad soak: {personas} personas every 10 s, a tenth changing every 30 s</text>']
ph = (h - 40) / 4
xs = [s[0] for s in samples]
for i, (label, ys) in enumerate(panels):
    top = 30 + i * ph
    top_value = max(ys) * 1.2 or 1
    def x(m): return pad + (m - xs[0]) / max(1, xs[-1] - xs[0]) * (w - 2 * pad)
    def y(v): return top + ph - 18 - v / top_value * (ph - 28)
    svg.append(f'<text x="{pad}" y="{top + 12}">{label}: {ys[-1]:.1f} at minute {xs[-1]} (axis 0–{top_value:.0f})</text>')
    svg.append(f'<line x1="{pad}" y1="{y(0)}" x2="{w - pad}" y2="{y(0)}" stroke="#bbb"/>')
    svg.append('<polyline fill="none" stroke="#1f5fa8" stroke-width="1.5" points="' +
               " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in zip(xs, ys)) + '"/>')
svg.append(f'<text x="{w - pad}" y="{h - 6}" text-anchor="end">minutes</text></svg>')
open(plot, "w").write("\n".join(svg) + "\n")
print(f"plot: {plot}")
PY
