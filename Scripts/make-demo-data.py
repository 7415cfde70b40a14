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


def mojibake(text):
    """Meta's exports write UTF-8 bytes as \\u00XX escapes: reproduce that."""
    return text.encode("utf-8").decode("latin-1")


def write_zip(name, files):
    with zipfile.ZipFile(os.path.join(OUT, name), "w", zipfile.ZIP_DEFLATED) as z:
        for path, text in files:
            info = zipfile.ZipInfo(path, date_time=(2026, 11, 1, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8") if isinstance(text, str) else text)


def ts(i, step_hours=41):
    return int((START + dt.timedelta(hours=step_hours * i)).timestamp())


def make_instagram():
    posts = []
    for i in range(24):
        caption = mojibake(f"Morning light #{TOPICS[i % 3]} \u2600\ufe0f caf\u00e9 {i}")
        media = {"uri": f"media/posts/202608/{i}.jpg", "creation_timestamp": ts(i), "media_metadata": {}, "title": caption}
        posts.append({"media": [media]} if i % 3 else {"media": [media, dict(media, uri=f"media/posts/202608/{i}b.jpg", title="")],
                                                         "title": caption, "creation_timestamp": ts(i)})
    followers = [{"title": "", "media_list_data": [], "string_list_data": [{"href": f"https://www.instagram.com/f{n}", "value": f"f{n}", "timestamp": ts(n)}]} for n in range(180)]
    comments = [{"media_list_data": [], "string_map_data": {"Comment": {"value": mojibake(f"Lovely! \U0001F60D {i}")}, "Media Owner": {"value": f"friend{i % 4}"}, "Time": {"timestamp": ts(i, 30)}}} for i in range(15)]
    insights = {"organic_insights_posts": [{"media_map_data": {}, "string_map_data": {
        "Creation Timestamp": {"timestamp": ts(i)}, "Impressions": {"value": f"{1000 + 37 * i:,}"},
        "Likes": {"value": f"{rng.randint(40, 1400):,}"}, "Comments": {"value": str(rng.randint(0, 25))},
        "Shares": {"value": str(rng.randint(0, 9))}, "Saves": {"value": str(rng.randint(0, 30))}}} for i in range(24)]}
    write_zip("instagram-export.zip", [
        ("your_instagram_activity/media/posts_1.json", json.dumps(posts, indent=2)),
        ("connections/followers_and_following/followers_1.json", json.dumps(followers[:100], indent=2)),
        ("connections/followers_and_following/followers_2.json", json.dumps(followers[100:], indent=2)),
        ("connections/followers_and_following/following.json", json.dumps({"relationships_following": []})),
        ("your_instagram_activity/comments/post_comments_1.json", json.dumps(comments, indent=2)),
        ("logged_information/past_instagram_insights/posts.json", json.dumps(insights, indent=2)),
        ("no-data.txt", "No data"),
    ])


def make_linkedin():
    shares = ["Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility"]
    for i in range(14):
        t = START + dt.timedelta(days=6 * i)
        shares.append(f'{t:%Y-%m-%d %H:%M:%S},https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A{7000 + i},'
                      f'"Notes on #{TOPICS[i % 4]}: ""what worked"" this week",,,PUBLIC')
    comments = ["Date,Link,Message"] + [
        f'{START + dt.timedelta(days=3 * i):%Y-%m-%d %H:%M:%S},https://www.linkedin.com/feed/update/urn:li:activity:{900 + i},"Agree, \\"well said\\" {i}"'
        for i in range(10)]
    messages = ["CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER"]
    for c in range(8):
        t = START + dt.timedelta(days=5 * c)
        messages.append(f"conv{c},,Contact {c},https://www.linkedin.com/in/contact{c},Ana Demo,https://www.linkedin.com/in/ana-demo,{t:%Y-%m-%d %H:%M:%S} UTC,,Question {c}?,INBOX")
        if c % 3:
            r = t + dt.timedelta(hours=2 + c)
            messages.append(f"conv{c},,Ana Demo,https://www.linkedin.com/in/ana-demo,Contact {c},https://www.linkedin.com/in/contact{c},{r:%Y-%m-%d %H:%M:%S} UTC,,Answer {c},INBOX")
    connections = ["Notes:", '"When exporting your connection data, you may notice that some of the email addresses are missing."', "",
                   "First Name,Last Name,URL,Email Address,Company,Position,Connected On"] + [
        f"Person,{n},https://www.linkedin.com/in/p{n},,Company {n % 7},Role,{(START - dt.timedelta(days=n)):%d %b %Y}" for n in range(320)]
    endorsements = ["Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorser Public Url,Endorsement Status"] + [
        f"{START + dt.timedelta(days=9 * i):%Y/%m/%d %H:%M:%S} UTC,Swift,Endorser,{i},www.linkedin.com/in/e{i},ACCEPTED" for i in range(6)]
    write_zip("linkedin-export.zip", [
        ("Shares.csv", "\n".join(shares) + "\n"), ("Comments.csv", "\n".join(comments) + "\n"),
        ("messages.csv", "\n".join(messages) + "\n"), ("Connections.csv", "\n".join(connections) + "\n"),
        ("Endorsement_Received_Info.csv", "\n".join(endorsements) + "\n"),
        ("Reactions.csv", "Date,Type,Link\n" + "".join(f"{START + dt.timedelta(days=i):%Y-%m-%d %H:%M:%S},LIKE,https://www.linkedin.com/feed/update/urn:li:activity:{i}\n" for i in range(20))),
    ])


def make_facebook():
    posts = [{"timestamp": ts(i, 50), "attachments": [], "data": [{"post": mojibake(f"Weekend ride \U0001F6B2 #{TOPICS[4]} {i}")}],
              "title": "Ana Demo updated her status."} for i in range(16)]
    comments = {"comments_v2": [{"timestamp": ts(i, 20), "data": [{"comment": {"timestamp": ts(i, 20), "comment": mojibake(f"Great photo \u00e9t\u00e9 {i}"), "author": "Ana Demo"}}],
                                 "title": "Ana Demo commented on a friend's post."} for i in range(12)]}
    reactions = [{"timestamp": ts(i, 10), "data": [{"reaction": {"reaction": "LIKE", "actor": "Ana Demo"}}], "title": "Ana Demo likes a post."} for i in range(25)]
    write_zip("facebook-export.zip", [
        ("your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json", json.dumps(posts, indent=2)),
        ("your_facebook_activity/comments_and_reactions/comments.json", json.dumps(comments, indent=2)),
        ("your_facebook_activity/comments_and_reactions/likes_and_reactions_1.json", json.dumps(reactions, indent=2)),
    ])


def make_mastodon():
    actor = "https://social.example/users/ana"
    items = []
    for i in range(20):
        t = (START + dt.timedelta(hours=33 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        reply = None if i % 4 else "https://other.example/users/bob/statuses/%d" % i
        if i % 7 == 6:
            items.append({"type": "Announce", "published": t, "to": ["https://www.w3.org/ns/activitystreams#Public"], "object": "https://other.example/users/bob/statuses/1"})
            continue
        items.append({"id": f"{actor}/statuses/{500 + i}/activity", "type": "Create", "actor": actor, "published": t,
                      "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [f"{actor}/followers"],
                      "object": {"id": f"{actor}/statuses/{500 + i}", "type": "Note", "published": t, "inReplyTo": reply,
                                 "content": f"<p>Toot {i} about <a href=\"https://social.example/tags/{TOPICS[i % 3]}\">#{TOPICS[i % 3]}</a></p>",
                                 "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [f"{actor}/followers"],
                                 "tag": [{"type": "Hashtag", "name": f"#{TOPICS[i % 3]}", "href": f"https://social.example/tags/{TOPICS[i % 3]}"}]}})
    outbox = {"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json", "type": "OrderedCollection",
              "totalItems": len(items) + 3, "orderedItems": items}
    write_zip("mastodon-archive.zip", [("outbox.json", json.dumps(outbox, indent=2)),
                                       ("actor.json", json.dumps({"id": actor, "type": "Person", "preferredUsername": "ana"})),
                                       ("likes.json", json.dumps({"type": "OrderedCollection", "orderedItems": []}))])


def make_reddit():
    posts = ["id,permalink,date,ip,subreddit,gildings,title,url,body"] + [
        f'p{i},https://www.reddit.com/r/{TOPICS[i % 2]}/comments/p{i}/x/,{START + dt.timedelta(days=4 * i):%Y-%m-%d %H:%M:%S} UTC,,{TOPICS[i % 2]},0,"Question {i}, with a comma",,' for i in range(9)]
    comments = ["id,permalink,date,ip,subreddit,gildings,link,parent,body,media"] + [
        f'c{i},https://www.reddit.com/r/linux/comments/z/x/c{i}/,{START + dt.timedelta(days=2 * i):%Y-%m-%d %H:%M:%S} UTC,,linux,0,https://www.reddit.com/r/linux/comments/z/,{"t3_p0" if i % 5 == 0 else "t1_other" + str(i)},"Reply {i}",' for i in range(14)]
    write_zip("reddit-export.zip", [("posts.csv", "\n".join(posts) + "\n"), ("comments.csv", "\n".join(comments) + "\n")])


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    make_x_archive()
    make_rss()
    make_json_feed()
    make_instagram()
    make_linkedin()
    make_facebook()
    make_mastodon()
    make_reddit()
    print("demo data written to Config/demo/")
