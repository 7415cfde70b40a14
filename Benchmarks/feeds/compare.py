"""Compares personad's feed reader with feedparser (Python's mature feed parser) on a corpus.

Usage: python3 compare.py OURS.tsv < FILES   (OURS.tsv: personad-feeds' output for the files listed)

For each document feedparser reads, the items it finds with a date (published, updated or
created parsed) are what personad must read as posts: personad skips undated items by design.
Prints a summary and each document where the two disagree.
"""
import re
import sys
import warnings

import feedparser

warnings.filterwarnings("ignore")
ours = {}
with open(sys.argv[1], encoding="utf-8", errors="replace") as table:
    for line in table:
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 4:
            ours[parts[0]] = (None if parts[1] == "-" else int(parts[1]), parts[2], parts[3])

totals = {"documents": 0, "same": 0, "both refuse or empty": 0, "we refuse, it reads": 0,
          "we read, it finds none": 0, "different count": 0,
          "same, with dated items": 0, "same, ill-formed (feedparser's bozo)": 0,
          "documents where feedparser finds items": 0, "of which personad reads as many items, dated or not": 0}
mismatches = []
for path in (line.rstrip("\n") for line in sys.stdin):
    if path not in ours:
        continue
    totals["documents"] += 1
    with open(path, "rb") as handle:
        data = handle.read()
    parsed = feedparser.parse(data)
    dated = sum(1 for entry in parsed.entries
                if entry.get("published_parsed") or entry.get("updated_parsed") or entry.get("created_parsed"))
    count, notes, error = ours[path]
    if parsed.entries:
        totals["documents where feedparser finds items"] += 1
        skipped = re.search(r"(\d+) of (\d+) items skipped", notes)
        items = int(skipped.group(2)) if skipped else count
        if items == len(parsed.entries):
            totals["of which personad reads as many items, dated or not"] += 1
        elif "--items" in sys.argv:
            mismatches.append(("item count", path, len(parsed.entries), items, error or notes))
    if count is None:
        key = "both refuse or empty" if dated == 0 else "we refuse, it reads"
    elif count == dated:
        key = "same"
    elif dated == 0:
        key = "we read, it finds none"
    else:
        key = "different count"
    totals[key] += 1
    if key == "same" and dated > 0:
        totals["same, with dated items"] += 1
        if parsed.bozo:
            totals["same, ill-formed (feedparser's bozo)"] += 1
    if key not in ("same", "both refuse or empty"):
        mismatches.append((key, path, dated, count, error or notes))

for key, value in totals.items():
    print(f"{key}: {value}")
for key, path, dated, count, detail in sorted(mismatches):
    print(f"{key}\t{path}\tfeedparser {dated}\tpersonad {count if count is not None else '-'}\t{detail[:200]}")
