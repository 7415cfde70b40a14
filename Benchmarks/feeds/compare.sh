#!/usr/bin/env bash
# The feed reader against feedparser on feedparser's own test corpus (~2,200 documents, from its
# source distribution on PyPI; nothing of it is committed). Usage: Benchmarks/feeds/compare.sh [DIR]
# DIR: a corpus of your own instead (every *.xml, *.rss, *.atom, *.rdf under it).
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -c "import feedparser" 2>/dev/null || python3 -m pip install --quiet feedparser >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
corpus="${1:-}"
if [ -z "$corpus" ]; then
    (cd "$work" && python3 -m pip download --quiet --no-binary :all: --no-deps "feedparser==$(python3 -c 'import feedparser; print(feedparser.__version__)')" >/dev/null && tar xzf feedparser-*.tar.gz)
    corpus="$(echo "$work"/feedparser-*/tests)"
fi
swift build -c release --product personad-feeds >&2
bin="$(swift build -c release --show-bin-path)/personad-feeds"
find "$corpus" -type f \( -name '*.xml' -o -name '*.rss' -o -name '*.atom' -o -name '*.rdf' \) | sort > "$work/files"
xargs -d '\n' "$bin" < "$work/files" > "$work/ours.tsv"
python3 Benchmarks/feeds/compare.py "$work/ours.tsv" < "$work/files"
