#!/usr/bin/env python3
"""Writes an X archive directory with N realistic tweets (string numbers, entities, replies,
retweets, non-ASCII and emoji) to DIR/data/. Usage: generate-x-archive.py N DIR"""
import datetime as dt
import json
import os
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(7)
os.makedirs(os.path.join(out, "data"), exist_ok=True)
# Tweets spread over the last four years, newest first, as a real account's archive is: the
# default 90-day scoring window then holds a realistic few percent of them.
now = dt.datetime.now(dt.timezone.utc)
step = dt.timedelta(days=4 * 365) / max(n, 1)
with open(os.path.join(out, "data", "account.js"), "w") as f:
    f.write('window.YTD.account.part0 = [{"account":{"accountId":"42","username":"bench"}}]')
with open(os.path.join(out, "data", "tweets.js"), "w", encoding="utf-8") as f:
    f.write("window.YTD.tweets.part0 = [\n")
    for i in range(n):
        # Ids grow with time (X's ids are time-ordered), so newest first means ids falling.
        tid = str(1500000000000000000 + (n - i) * 1_000_003)
        kind = i % 10
        # Overdispersed, as real counts are: most posts get a few likes, a few get thousands.
        likes = int(rng.lognormvariate(1.5, 1.6))
        text = f"Post {i} about #topic{i % 50} with caf\u00e9, na\u00efve \U0001F680 &amp; more text to make it a realistic length"
        t = {"edit_info": {"initial": {"editTweetIds": [tid], "editableUntil": "2026-01-01T00:00:00.000Z"}},
             "retweeted": False, "source": "<a href=\"https://mobile.example.org\" rel=\"nofollow\">Client</a>",
             "entities": {"hashtags": [{"text": f"topic{i % 50}", "indices": ["20", "28"]}], "symbols": [],
                          "user_mentions": [], "urls": []},
             "display_text_range": ["0", "90"], "favorite_count": str(likes), "id_str": tid,
             "truncated": False, "retweet_count": str(int(likes * rng.random() * 0.3)), "id": tid,
             "created_at": (now - step * i).strftime("%a %b %d %H:%M:%S +0000 %Y"),
             "favorited": False, "full_text": text, "lang": "en"}
        if kind == 3:
            t["full_text"] = "RT @someone: " + text
        elif kind == 5:
            t["in_reply_to_status_id_str"] = str(1400000000000000000 + (n - i) * 1_000_003)
            t["in_reply_to_user_id_str"] = "99"
            t["in_reply_to_screen_name"] = "friend"
        f.write(("" if i == 0 else ",\n") + json.dumps({"tweet": t}, ensure_ascii=False, indent=2))
    f.write("\n]")
