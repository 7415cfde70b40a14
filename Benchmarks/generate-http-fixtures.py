#!/usr/bin/env python3
"""Generates what Benchmarks/http-cycle.sh serves and polls:
  www/feeds/fNNNNN.xml           RSS 2.0 feeds, 20 items each (~9 KB), with slash:comments
  www/lookup/userN.json          Mastodon accounts/lookup answers
  www/api/v1/accounts/N/statuses Mastodon statuses pages, 40 statuses each
  personad.toml                  one persona per feed and per Mastodon account
  urls-first.txt, urls-second.txt  the URLs personad requests in its first and second pass
Usage: generate-http-fixtures.py WORK PORT FEEDS MASTODON [POSTS_PER_FEED]"""
import datetime as dt
import json
import os
import random
import sys

work, port, feeds, mastodon = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
items_per_feed = int(sys.argv[5]) if len(sys.argv) > 5 else 20
rng = random.Random(11)
base = f"http://127.0.0.1:{port}"
now = dt.datetime.now(dt.timezone.utc)
www = os.path.join(work, "www")
for sub in ("feeds", "lookup", "api/v1/accounts"):
    os.makedirs(os.path.join(www, sub), exist_ok=True)

words = "swift linux daemon feed score persona conversation reply network archive signal systemd store".split()


def rss(index):
    items = []
    for i in range(items_per_feed):
        t = now - dt.timedelta(hours=7 * i + index % 5)
        text = " ".join(rng.choice(words) for _ in range(40))
        items.append(
            f"<item><title>Post {i} of feed {index}: {rng.choice(words)} &amp; more</title>"
            f"<link>https://blog{index}.example.org/posts/{i}</link><guid>https://blog{index}.example.org/posts/{i}</guid>"
            f"<pubDate>{t.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate><category>{rng.choice(words)}</category>"
            f"<description>{text}</description><slash:comments>{rng.randint(0, 30)}</slash:comments></item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">'
            f"<channel><title>Blog {index}</title><link>https://blog{index}.example.org/</link><description>bench</description>\n"
            + "\n".join(items) + "\n</channel></rss>\n")


def statuses(account):
    out = []
    for i in range(40):
        sid = str(110000000000000000 + account * 1000 + i)
        t = now - dt.timedelta(hours=5 * i)
        reply = i % 4 == 1
        out.append({
            "id": sid, "created_at": t.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "in_reply_to_id": "1" if reply else None, "in_reply_to_account_id": "77" if reply else None,
            "sensitive": False, "spoiler_text": "", "visibility": "public", "language": "en",
            "uri": f"https://social.example/users/user{account}/statuses/{sid}",
            "url": f"https://social.example/@user{account}/{sid}",
            "replies_count": rng.randint(0, 12), "reblogs_count": rng.randint(0, 20), "favourites_count": rng.randint(0, 80),
            "edited_at": None, "content": "<p>" + " ".join(rng.choice(words) for _ in range(25)) + "</p>",
            "reblog": None, "application": {"name": "Web", "website": None},
            "account": {"id": str(account), "username": f"user{account}", "acct": f"user{account}", "display_name": f"User {account}",
                        "locked": False, "bot": False, "created_at": "2020-01-01T00:00:00.000Z", "note": "<p>bench</p>",
                        "url": f"https://social.example/@user{account}", "avatar": "https://social.example/a.png",
                        "followers_count": 100 + account, "following_count": 50, "statuses_count": 400},
            "media_attachments": [], "mentions": [], "tags": [{"name": rng.choice(words), "url": "https://social.example/tags/x"}],
            "emojis": [], "card": None, "poll": None})
    return json.dumps(out)


config = [f'[daemon]\nstate_directory = "{work}/state"\nmax_connections = 50\nmax_per_host = 50\n\n[scoring]\nwindow = "3650d"\n']
first, second = [], []
for index in range(feeds):
    with open(os.path.join(www, "feeds", f"f{index:05d}.xml"), "w") as f:
        f.write(rss(index))
    url = f"{base}/feeds/f{index:05d}.xml"
    config.append(f'[[persona]]\nid = "feed-{index}"\nnetwork = "blog"\nhandle = "blog{index}"\n'
                  f'  [[persona.source]]\n  kind = "feed"\n  url = "{url}"\n  max_bytes = 67108864\n')
    first.append(url)
    second.append(url)
for account in range(1, mastodon + 1):
    with open(os.path.join(www, "lookup", f"user{account}.json"), "w") as f:
        json.dump({"id": str(account), "username": f"user{account}", "acct": f"user{account}", "followers_count": 100 + account}, f)
    os.makedirs(os.path.join(www, "api/v1/accounts", str(account)), exist_ok=True)
    with open(os.path.join(www, "api/v1/accounts", str(account), "statuses"), "w") as f:
        f.write(statuses(account))
    config.append(f'[[persona]]\nid = "masto-{account}"\nnetwork = "mastodon"\nhandle = "user{account}"\n'
                  f'  [[persona.source]]\n  kind = "api"\n  url = "{base}"\n'
                  # who-reacted lookups are off: the cycle is compared with curl fetching the same URLs
                  f'  engagers = 0\n')
    statuses_url = f"{base}/api/v1/accounts/{account}/statuses?limit=40&exclude_reblogs=true"
    first += [f"{base}/api/v1/accounts/lookup?acct=user{account}", statuses_url]
    second.append(statuses_url)
with open(os.path.join(work, "personad.toml"), "w") as f:
    f.write("\n".join(config))
for name, urls in (("urls-first.txt", first), ("urls-second.txt", second)):
    with open(os.path.join(work, name), "w") as f:
        f.write("\n".join(urls) + "\n")
