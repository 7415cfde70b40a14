#!/usr/bin/env bash
# Crash safety (Docs/reliability.md, section 2): a reader validates every snapshot and index.json
# against the published schemas in a loop while personad runs and is killed with SIGKILL at random
# moments, ROUNDS times (default 100), and restarted each time. The personas are the demo's plus a
# large X archive (read again whenever it changes) and a feed rewritten every round, so kills land
# in reads, ingests, scoring and the snapshot pass. After each restart: no temporary file is left,
# and the score history holds at least every row it held before the kill.
# Usage: Benchmarks/reliability/crash-safety.sh [ROUNDS] [TWEETS]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-100}"
tweets="${2:-200000}"
python3 -c "import jsonschema" 2>/dev/null || python3 -m pip install --quiet jsonschema
swift build -c release --product personad >/dev/null
bin="$(swift build -c release --show-bin-path)/personad"
work="$(mktemp -d)"
daemon=""
trap '[ -n "$daemon" ] && kill -9 "$daemon" 2>/dev/null; rm -rf "$work"' EXIT

# A large X archive: the ingest a kill should interrupt.
python3 - "$work/x-large.zip" "$tweets" <<'PY'
import sys, zipfile, datetime, random
path, count = sys.argv[1], int(sys.argv[2])
now = datetime.datetime.now(datetime.timezone.utc)
rng = random.Random(7)
parts = []
for i in range(count):
    # An hour apart: a large archive (years of posts) whose window holds ~2,000 of them.
    at = (now - datetime.timedelta(minutes=60 * i)).strftime("%a %b %d %H:%M:%S +0000 %Y")
    likes = int(rng.paretovariate(1.3)) - 1
    parts.append('{"tweet":{"id_str":"%d","id":"%d","created_at":"%s","full_text":"post %d about #swift","favorite_count":"%d","retweet_count":"%d","entities":{"hashtags":[{"text":"swift"}]},"lang":"en"}}'
                 % (10**18 + count - i, 10**18 + count - i, at, i, likes, likes // 5))
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("data/account.js", 'window.YTD.account.part0 = [{"account":{"username":"big","accountId":"1"}}]')
    z.writestr("data/tweets.js", "window.YTD.tweets.part0 = [\n" + ",\n".join(parts) + "\n]")
PY
{
    sed -e "s#^state_directory = .*#state_directory = \"$work/state\"#" -e "s#^pid_file = .*#pid_file = \"$work/personad.pid\"#" \
        -e "s#\"demo/#\"$PWD/Config/demo/#" -e 's#^interval = .*#interval = "10s"#' -e 's#^  interval = .*#  interval = "10s"#' Config/demo.toml
    printf '\n[[persona]]\nid = "big-x"\nnetwork = "x"\nhandle = "big"\n  [[persona.source]]\n  kind = "export"\n  path = "%s"\n  interval = "10s"\n' "$work/x-large.zip"
    printf '\n[[persona]]\nid = "small-x"\nnetwork = "x"\nhandle = "small"\n  [[persona.source]]\n  kind = "export"\n  path = "%s"\n  interval = "10s"\n' "$work/x-small.zip"
    printf '\n[[persona]]\nid = "churn"\nnetwork = "blog"\nhandle = "churn"\n  [[persona.source]]\n  kind = "feed"\n  path = "%s"\n  interval = "10s"\n' "$work/churn.xml"
} > "$work/personad.toml"
write_feed() {
    local n="$1" items=""
    for i in $(seq 0 11); do
        items+="<item><guid>p$((n - i))</guid><title>post $((n - i))</title><pubDate>$(date -u -R -d "-$((i * 3)) days")</pubDate></item>"
    done
    printf '<?xml version="1.0"?><rss version="2.0"><channel><title>churn</title>%s</channel></rss>' "$items" > "$work/churn.xml.new"
    mv "$work/churn.xml.new" "$work/churn.xml"
}
# A small X archive whose counts change every round: its score moves, so history rows are written.
write_small() {
    python3 - "$work/x-small.zip" "$1" <<'PY'
import sys, zipfile, datetime
path, round_ = sys.argv[1], int(sys.argv[2])
now = datetime.datetime.now(datetime.timezone.utc)
likes = [4, 6, 3, 9, 5, 7, 14, 4, 6, 10, 3, 5, 22, 6, 4, 8, 5, 7, 3, 11]
parts = ['{"tweet":{"id_str":"%d","id":"%d","created_at":"%s","full_text":"post %d","favorite_count":"%d","retweet_count":"%d","lang":"en"}}'
         % (500 - i, 500 - i, (now - datetime.timedelta(days=2.5 * i, hours=1)).strftime("%a %b %d %H:%M:%S +0000 %Y"), i,
            likes[i % 20] * (1 + round_ % 7), likes[i % 20] * (1 + round_ % 7) // 4) for i in range(30)]
with zipfile.ZipFile(path + ".new", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("data/account.js", 'window.YTD.account.part0 = [{"account":{"username":"small","accountId":"2"}}]')
    z.writestr("data/tweets.js", "window.YTD.tweets.part0 = [\n" + ",\n".join(parts) + "\n]")
import os; os.replace(path + ".new", path)
PY
}
write_feed 100
write_small 0

python3 Benchmarks/reliability/crash_reader.py --snapshots "$work/state/snapshots" --schemas Docs --stop "$work/stop" > "$work/reader.json" &
reader=$!
history_rows() { python3 -c "import sqlite3,sys; print(sqlite3.connect('file:$work/state/personad.sqlite?mode=ro', uri=True).execute('select count(*) from score_history').fetchone()[0])" 2>/dev/null || echo 0; }
leftovers=0; lost=0; started=$(date +%s); kills_in_ingest=0; kills_before_ready=0
for round in $(seq 1 "$rounds"); do
    write_feed $((100 + round))
    write_small "$round"
    # Every tenth round a new large archive (a changed byte in account.js): the next start ingests it again.
    if [ $((round % 10)) -eq 0 ]; then
        python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'a'); z.writestr('data/round.txt', sys.argv[2]); z.close()" "$work/x-large.zip" "$round" 2>/dev/null || true
    fi
    before=$(history_rows)
    "$bin" --config "$work/personad.toml" >"$work/run-$round.log" 2>&1 &
    daemon=$!
    sleep "$(python3 -c "import random; print(round(random.uniform(0.05, 2.5), 3))")"
    kill -USR1 "$daemon" 2>/dev/null || true
    sleep "$(python3 -c "import random; print(round(random.uniform(0.0, 0.3), 3))")"
    # Where the kill landed: before READY (reads, the first ingests and the snapshot pass) or after.
    grep -q "ready:" "$work/run-$round.log" || kills_before_ready=$((kills_before_ready + 1))
    # The large archive is new in the first round and every tenth: a kill before its "read" line landed in its ingest.
    if [ "$round" -eq 1 ] || [ $((round % 10)) -eq 0 ]; then
        grep -q "big-x: read" "$work/run-$round.log" || kills_in_ingest=$((kills_in_ingest + 1))
    fi
    kill -9 "$daemon" 2>/dev/null || true
    wait "$daemon" 2>/dev/null || true
    daemon=""
    after=$(history_rows)
    [ "$after" -ge "$before" ] || lost=$((lost + before - after))
    # The next start cleans what the kill left: count what is still there once it is ready.
    "$bin" --config "$work/personad.toml" >"$work/restart-$round.log" 2>&1 &
    daemon=$!
    for _ in $(seq 1 600); do grep -q "ready:" "$work/restart-$round.log" && break; sleep 0.05; done
    grep -q "ready:" "$work/restart-$round.log" || { echo "crash-safety: round $round: no READY after the restart" >&2; cat "$work/restart-$round.log" >&2; exit 1; }
    left=$(find "$work/state/snapshots" -name '.personad-tmp-*' | wc -l)
    leftovers=$((leftovers + left))
    kill -TERM "$daemon"; wait "$daemon" 2>/dev/null || true; daemon=""
done
touch "$work/stop"
wait "$reader"
cat "$work/reader.json"; echo
python3 - "$work/reader.json" "$rounds" "$leftovers" "$lost" "$(history_rows)" "$(( $(date +%s) - started ))" "$kills_in_ingest" "$kills_before_ready" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
rounds, leftovers, lost, rows, seconds, ingest, before_ready = sys.argv[2:]
print(f"crash-safety: rounds={rounds} kills_before_ready={before_ready} kills_during_large_ingest={ingest} reads={r['reads']} distinct_documents={r['distinct_documents']} invalid_json={r['invalid_json']} "
      f"invalid_schema={r['invalid_schema']} temp_files_after_restart={leftovers} history_rows_lost={lost} history_rows={rows} seconds={seconds}")
for example in r["examples"]:
    print("  " + example)
PY
