#!/usr/bin/env bash
# Feed parse throughput: a generated RSS 2.0 feed of N items (default 20,000, ~10 MB) parsed 5
# times by the reader (release build). Usage: Benchmarks/feeds/throughput.sh [ITEMS]
set -euo pipefail
cd "$(dirname "$0")/../.."
items="${1:-20000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$items" > "$work/feed.xml" <<'PY'
import sys
n = int(sys.argv[1])
print('<?xml version="1.0" encoding="UTF-8"?>')
print('<rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>bench</title>')
for i in range(n, 0, -1):
    print(f'<item><title>Post {i} &amp; more &#8212; caf&#233;</title><link>https://blog.example.org/{i}</link>'
          f'<guid isPermaLink="false">post-{i}</guid><pubDate>Mon, 01 Jun 2026 10:{i % 60:02d}:00 +0000</pubDate>'
          f'<dc:creator>ana</dc:creator><category>swift</category><slash:comments>{(i * 7) % 23}</slash:comments>'
          f'<description><![CDATA[<p>Paragraph {i} with <a href="https://e.example/">a link</a> and some text to read through.</p>]]></description></item>')
print('</channel></rss>')
PY
swift build -c release --product personad-feeds >&2
"$(swift build -c release --show-bin-path)/personad-feeds" --repeat 5 "$work/feed.xml"
