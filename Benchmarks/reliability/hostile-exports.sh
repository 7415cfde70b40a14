#!/usr/bin/env bash
# Hostile exports (Docs/reliability.md, section 6): a zip bomb in a file read whole (an Instagram
# export whose posts_1.json inflates to 1.5 GiB), a zip bomb in the streamed file (an X archive whose
# tweets.js inflates to 3 GiB), and a Mastodon outbox.json nested a million arrays deep, beside a
# healthy persona, through one `personad --once`. Prints each persona's error line, the exit status
# and the process's peak RSS (the figure: the bombs stop at their limits, not at the memory's end).
# Usage: Benchmarks/reliability/hostile-exports.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${PERSONAD_BIN:-}" ]; then
    swift build -c release --product personad >/dev/null
fi
bin="${PERSONAD_BIN:-$(swift build -c release --show-bin-path)/personad}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$bin" "$work" "$PWD/Config/demo/blog-feed.xml" <<'PY'
import os, resource, subprocess, sys, time, zipfile, zlib
binary, work, feed = sys.argv[1:4]

def bomb(path, name, prefix, size, suffix=b""):
    # Written through a raw deflate stream, so the 1.5–3 GiB are never in this process's memory.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        with z.open(name, "w", force_zip64=True) as out:
            out.write(prefix)
            block = b" " * (16 << 20)
            left = size
            while left > 0:
                out.write(block[:min(left, len(block))])
                left -= len(block)
            out.write(suffix)

started = time.time()
bomb(f"{work}/instagram-bomb.zip", "your_instagram_activity/media/posts_1.json", b"[", 3 << 29, b"]")
bomb(f"{work}/x-bomb.zip", "data/tweets.js", b"window.YTD.tweets.part0 = [", 3 << 30, b"]")
with zipfile.ZipFile(f"{work}/mastodon-deep.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("outbox.json", '{"orderedItems": ' + "[" * 1_000_000 + "]" * 1_000_000 + "}")
    z.writestr("actor.json", '{"preferredUsername": "ana"}')
print(f"built the archives in {time.time() - started:.0f} s: " +
      ", ".join(f"{name} {os.path.getsize(f'{work}/{name}') / 1e6:.1f} MB" for name in ("instagram-bomb.zip", "x-bomb.zip", "mastodon-deep.zip")))

personas = [("insta-bomb", "instagram", "path", f"{work}/instagram-bomb.zip", "export"),
            ("x-bomb", "x", "path", f"{work}/x-bomb.zip", "export"),
            ("mastodon-deep", "mastodon", "path", f"{work}/mastodon-deep.zip", "export"),
            ("healthy", "blog", "path", feed, "feed")]
with open(f"{work}/personad.toml", "w") as config:
    config.write(f'[daemon]\nstate_directory = "{work}/state"\n\n[scoring]\nwindow = "3650d"\n\n')
    for pid, network, key, value, kind in personas:
        config.write(f'[[persona]]\nid = "{pid}"\nnetwork = "{network}"\nhandle = "ana"\n  [[persona.source]]\n  kind = "{kind}"\n  {key} = "{value}"\n\n')
started = time.time()
run = subprocess.run([binary, "--config", f"{work}/personad.toml", "--once"], capture_output=True, text=True)
elapsed = time.time() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
for line in run.stderr.splitlines() + run.stdout.splitlines():
    if any(p in line for p, *_ in personas) and ("error" in line or "failed" in line):
        print(line)
snapshot = open(f"{work}/state/snapshots/healthy.json").read()
print(f"exit status {run.returncode} (1: sources failed), {elapsed:.1f} s, peak RSS {peak:.0f} MB; healthy snapshot: {len(snapshot)} bytes")
PY
