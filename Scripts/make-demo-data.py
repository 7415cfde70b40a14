#!/usr/bin/env python3
"""Generates the bundled demo data under Config/demo/ (deterministic: same bytes every run).

The files are shaped like the real ones (see Docs/sources/): an X archive zip in the current
layout (data/tweets.js with the "tweet" wrapper, string numbers, HTML entities, retweets of
others, replies and self-replies), an RSS 2.0 blog feed with slash:comments, and a JSON Feed.
"""
import datetime as dt
import json
import os
import random
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Config", "demo")
rng = random.Random(20261127)
START = dt.datetime(2026, 8, 3, 9, 0, tzinfo=dt.timezone.utc)
TOPICS = ["swift", "linux", "systemd", "sqlite", "cycling", "books"]


def x_date(t):
    return t.strftime("%a %b %d %H:%M:%S +0000 %Y")


def make_x_archive():
    account_id = "1200000000000000001"
    tweets = []
    for i in range(48):
        t = START + dt.timedelta(hours=37 * i + rng.randint(0, 5))
        tweet_id = str(1830000000000000000 + i * 7919)
        tag = TOPICS[i % len(TOPICS)]
        kind = i % 8
        base = {
            "id_str": tweet_id, "id": tweet_id, "created_at": x_date(t), "lang": "en",
            "favorite_count": str(rng.randint(0, 40)), "retweet_count": str(rng.randint(0, 9)),
            "favorited": False, "retweeted": False, "truncated": False,
            "display_text_range": ["0", "120"], "source": "<a href=\"https://example.org\">web</a>",
            "entities": {"hashtags": [{"text": tag, "indices": ["0", str(len(tag) + 1)]}],
                         "symbols": [], "user_mentions": [], "urls": []},
        }
        if kind == 3:  # a retweet of someone else: not the persona's post
            base["full_text"] = f"RT @someone: a thread about #{tag} worth reading"
            base["favorite_count"] = "0"
            base["retweet_count"] = "0"
        elif kind == 5:  # a reply to another account: conversation joined
            base["full_text"] = f"@friend good point &amp; thanks \u2014 #{tag} &gt; everything"
            base["in_reply_to_status_id_str"] = str(1820000000000000000 + i)
            base["in_reply_to_user_id_str"] = "99"
            base["in_reply_to_screen_name"] = "friend"
            base["entities"]["user_mentions"] = [{"screen_name": "friend", "id_str": "99", "indices": ["0", "7"]}]
        elif kind == 7:  # a self-reply continuing a thread
            base["full_text"] = f"2/ more on #{tag} \U0001F680"
            base["in_reply_to_status_id_str"] = str(1830000000000000000 + (i - 1) * 7919)
            base["in_reply_to_user_id_str"] = account_id
            base["in_reply_to_screen_name"] = "demo_ana"
        else:
            base["full_text"] = f"Notes on #{tag}: what I learned this week, part {i} \u00e9t\u00e9 caf\u00e9"
        tweets.append({"tweet": base})
    tweets_js = "window.YTD.tweets.part0 = " + json.dumps(tweets, indent=2, ensure_ascii=False)
    account_js = "window.YTD.account.part0 = " + json.dumps([{"account": {
        "email": "ana@example.org", "createdVia": "web", "username": "demo_ana",
        "accountId": account_id, "createdAt": "2019-02-01T10:00:00.000Z", "accountDisplayName": "Ana (demo)"}}], indent=2)
    followers = [{"follower": {"accountId": str(5000 + n), "userLink": f"https://twitter.com/intent/user?user_id={5000 + n}"}}
                 for n in range(240)]
    follower_js = "window.YTD.follower.part0 = " + json.dumps(followers, indent=2)
    manifest = "window.__THAR_CONFIG = " + json.dumps({"userInfo": {"accountId": account_id, "userName": "demo_ana"},
        "dataTypes": {"tweets": {"files": [{"fileName": "data/tweets.js", "globalName": "YTD.tweets.part0", "count": str(len(tweets))}]}}}, indent=2)
    path = os.path.join(OUT, "x-archive.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in [("data/manifest.js", manifest), ("data/account.js", account_js),
                           ("data/tweets.js", tweets_js), ("data/follower.js", follower_js)]:
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 1, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))


def make_rss():
    items = []
    for i in range(14):
        t = START + dt.timedelta(days=5 * i, hours=rng.randint(0, 12))
        tag = TOPICS[(i * 2) % len(TOPICS)]
        comments = rng.randint(0, 12)
        items.append(f"""    <item>
      <title>Field notes {i + 1}: {tag} &amp; friends</title>
      <link>https://blog.example.org/posts/{i + 1}</link>
      <guid isPermaLink="true">https://blog.example.org/posts/{i + 1}</guid>
      <pubDate>{t.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>
      <category>{tag}</category>
      <description><![CDATA[<p>Post number {i + 1} about <b>{tag}</b>.</p>]]></description>
      <slash:comments>{comments}</slash:comments>
      <wfw:commentRss>https://blog.example.org/posts/{i + 1}/comments.xml</wfw:commentRss>
    </item>""")
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/" xmlns:wfw="http://wellformedweb.org/CommentAPI/">
  <channel>
    <title>Demo blog</title>
    <link>https://blog.example.org/</link>
    <description>A demo feed bundled with personad</description>
{chr(10).join(items)}
  </channel>
</rss>
"""
    with open(os.path.join(OUT, "blog-feed.xml"), "w", encoding="utf-8") as f:
        f.write(text)


def make_json_feed():
    items = []
    for i in range(9):
        t = START + dt.timedelta(days=9 * i, hours=3)
        items.append({"id": f"note-{i + 1}", "url": f"https://notes.example.org/{i + 1}",
                      "content_text": f"Short note {i + 1}", "date_published": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                      "tags": [TOPICS[i % 3]]})
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Demo notes",
            "home_page_url": "https://notes.example.org/", "items": items}
    with open(os.path.join(OUT, "notes-feed.json"), "w", encoding="utf-8") as f:
        json.dump(feed, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    make_x_archive()
    make_rss()
    make_json_feed()
    print("demo data written to Config/demo/")
