import Foundation
import PersonaModel
import PersonaStore
import Testing
import TestSupport
@testable import PersonaDaemon

/// Each remote reader through the real pipeline and libcurl, against a loopback server shaped like
/// the platform: paging, counts, reposts excluded, replies as conversation, 304 reuse, gzip.
@Suite(.serialized) struct RemoteReaderTests {
    // MARK: Mastodon

    static func status(_ id: String, days: Double, replyTo: String? = nil, replyAccount: String? = nil, replies: Int = 0,
                       reblogs: Int = 0, favourites: Int = 0, quotes: Int? = nil, reblog: Bool = false, tags: [String] = []) -> String {
        let quote = quotes.map { #", "quotes_count": \#($0)"# } ?? ""
        let reblogValue = reblog ? #"{"id": "9\#(id)", "uri": "https://other.example/users/x/statuses/9\#(id)"}"# : "null"
        let tagList = tags.map { #"{"name": "\#($0)", "url": "https://social.example/tags/\#($0)"}"# }.joined(separator: ", ")
        return """
            {"id": "\(id)", "uri": "https://social.example/users/ana/statuses/\(id)", "url": "https://social.example/@ana/\(id)",
             "created_at": "\(daysAgo(days))", "in_reply_to_id": \(replyTo.map { "\"\($0)\"" } ?? "null"),
             "in_reply_to_account_id": \(replyAccount.map { "\"\($0)\"" } ?? "null"), "sensitive": false, "spoiler_text": "",
             "visibility": "public", "language": "en", "replies_count": \(replies), "reblogs_count": \(reblogs),
             "favourites_count": \(favourites)\(quote), "content": "<p>post \(id) &amp; more</p>", "reblog": \(reblogValue),
             "account": {"id": "109", "username": "ana", "acct": "ana", "followers_count": 321},
             "media_attachments": [], "mentions": [], "tags": [\(tagList)], "emojis": []}
            """
    }

    /// One Mastodon API persona, `ana`, against the fixture server.
    static func mastodon(_ server: FixtureServer, engagers: Int? = nil, timeout: String? = nil) throws -> Harness {
        try Harness(server: server, personas: """
            [[persona]]
            id = "ana-mastodon"
            network = "mastodon"
            handle = "ana"
              [[persona.source]]
              kind = "api"
              url = "BASE"
            \(engagers.map { "  engagers = \($0)" } ?? "")
            \(timeout.map { "  timeout = \"\($0)\"" } ?? "")
            """)
    }

    @Test func mastodonPagesCountsBoostsRepliesThen304() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "username": "ana", "acct": "ana", "followers_count": 321, "statuses_count": 7}"#)
        let first = "/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true"
        let second = first + "&max_id=104"
        server.set(first, headers: ["Link": "<\(server.url(second))>; rel=\"next\", <\(server.url(first + "&min_id=107"))>; rel=\"prev\""], json: "[" + [
            Self.status("107", days: 1, replies: 5, reblogs: 2, favourites: 9, quotes: 1, tags: ["Swift"]),
            Self.status("106", days: 2, replyTo: "55", replyAccount: "77", replies: 1, favourites: 2),
            Self.status("105", days: 3, replyTo: "107", replyAccount: "109"),
            Self.status("104", days: 4, reblog: true),
        ].joined(separator: ",") + "]")
        server.set(second, headers: ["Link": "<\(server.url(first + "&max_id=90"))>; rel=\"next\""], json: "[" + [
            Self.status("103", days: 20, replies: 3, reblogs: 1, favourites: 4),
            Self.status("90", days: 5000, replies: 100),
        ].joined(separator: ",") + "]")
        let harness = try Self.mastodon(server)
        let outcome = try await harness.refresh()
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        let posts = try harness.posts()
        #expect(posts.count == 5) // 4 own on page 1 minus the boost, 2 on page 2
        let original = try #require(posts["https://social.example/users/ana/statuses/107"])
        #expect(original.kind == .original)
        #expect(original.counts == EngagementCounts(replies: 5, reposts: 3, likes: 9)) // quotes count as amplification
        #expect(original.tags == ["swift"])
        #expect(original.text == "post 107 & more")
        #expect(posts["https://social.example/users/ana/statuses/106"]?.kind == .reply)
        #expect(posts["https://social.example/users/ana/statuses/105"]?.kind == .selfReply)
        #expect(posts["https://social.example/users/ana/statuses/104"] == nil)
        // Paging stopped at the page that reached past the window: no third request.
        #expect(server.requests("/api/v1/accounts/109/statuses").count == 2)
        #expect(server.requests.allSatisfy { $0.gzipped || $0.status != 200 || $0.acceptEncoding == nil })
        #expect(server.requests.contains { $0.gzipped })
        #expect(server.requests.first?.userAgent?.hasPrefix("personad") == true)
        let state = try #require(try harness.state())
        #expect(state.memo["account_id"] == "109")
        #expect(state.audience == 321)

        // Second poll: the account id is cached, the first page is conditional and answered 304.
        let before = server.requests.count
        let again = try await harness.refresh()
        #expect(again.error == nil)
        let newRequests = Array(server.requests.dropFirst(before))
        #expect(newRequests.map(\.target) == [FixtureServer.normalize(first)])
        #expect(newRequests.first?.status == 304 && newRequests.first?.ifNoneMatch != nil)
        #expect(try harness.posts().count == 5)
        let snapshot = try harness.snapshot()
        #expect(snapshot.sources.first?.status == .ok)
        #expect(snapshot.sources.first?.httpStatus == 304)
    }

    // MARK: Bluesky

    static func feedItem(_ rkey: String, did: String = "did:plc:ana", days: Double, reply: String? = nil, repost: Bool = false,
                         counts: (Int?, Int?, Int?, Int?) = (nil, nil, nil, nil), tag: String? = nil) -> String {
        let replyJSON = reply.map { #", "reply": {"root": {"uri": "\#($0)", "cid": "c"}, "parent": {"uri": "\#($0)", "cid": "c"}}"# } ?? ""
        let reason = repost ? #", "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": {"did": "did:plc:ana", "handle": "ana.bsky.social"}, "indexedAt": "\#(daysAgo(days))"}"# : ""
        var fields: [String] = []
        if let replies = counts.0 { fields.append(#""replyCount": \#(replies)"#) }
        if let reposts = counts.1 { fields.append(#""repostCount": \#(reposts)"#) }
        if let likes = counts.2 { fields.append(#""likeCount": \#(likes)"#) }
        if let quotes = counts.3 { fields.append(#""quoteCount": \#(quotes)"#) }
        let countJSON = fields.isEmpty ? "" : ", " + fields.joined(separator: ", ")
        let facets = tag.map { #", "facets": [{"index": {"byteStart": 0, "byteEnd": 5}, "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "\#($0)"}]}]"# } ?? ""
        return """
            {"post": {"uri": "at://\(did)/app.bsky.feed.post/\(rkey)", "cid": "bafy\(rkey)",
              "author": {"did": "\(did)", "handle": "\(did == "did:plc:ana" ? "ana.bsky.social" : "other.bsky.social")"},
              "record": {"$type": "app.bsky.feed.post", "text": "post \(rkey)", "createdAt": "\(daysAgo(days))"\(replyJSON)\(facets)},
              "indexedAt": "\(daysAgo(days))"\(countJSON)}\(reason)}
            """
    }

    static let blueskyPersona = """
        [[persona]]
        id = "ana-bsky"
        network = "bluesky"
        handle = "ana.bsky.social"
          [[persona.source]]
          kind = "api"
          url = "BASE"
        """

    @Test func blueskyCursorPagingRepostsExcludedCountsDefaultToZeroThen304() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/xrpc/app.bsky.actor.getProfile?actor=ana.bsky.social",
                   json: #"{"did": "did:plc:ana", "handle": "ana.bsky.social", "followersCount": 88, "followsCount": 10, "postsCount": 5}"#)
        let feed = "/xrpc/app.bsky.feed.getAuthorFeed?actor=did:plc:ana&limit=100&filter=posts_with_replies"
        server.set(feed, json: #"{"cursor": "c1", "feed": ["# + [
            Self.feedItem("a1", days: 1, counts: (4, 2, 10, 1), tag: "swift"),
            Self.feedItem("x9", did: "did:plc:other", days: 1, repost: true, counts: (50, 50, 50, 50)),
            Self.feedItem("a2", days: 2, reply: "at://did:plc:other/app.bsky.feed.post/zz", counts: (1, nil, 3, nil)),
        ].joined(separator: ",") + "]}")
        server.set(feed + "&cursor=c1", json: #"{"feed": ["# + [
            Self.feedItem("a3", days: 3, reply: "at://did:plc:ana/app.bsky.feed.post/a1"),
        ].joined(separator: ",") + "]}")
        let harness = try Harness(server: server, personas: Self.blueskyPersona)
        let outcome = try await harness.refresh()
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        let posts = try harness.posts()
        #expect(posts.count == 3)
        let first = try #require(posts["at://did:plc:ana/app.bsky.feed.post/a1"])
        #expect(first.counts == EngagementCounts(replies: 4, reposts: 3, likes: 10))
        #expect(first.tags == ["swift"])
        #expect(first.url == "https://bsky.app/profile/ana.bsky.social/post/a1")
        let reply = try #require(posts["at://did:plc:ana/app.bsky.feed.post/a2"])
        #expect(reply.kind == .reply)
        #expect(reply.counts == EngagementCounts(replies: 1, reposts: 0, likes: 3))
        #expect(posts["at://did:plc:ana/app.bsky.feed.post/a3"]?.kind == .selfReply)
        #expect(posts["at://did:plc:ana/app.bsky.feed.post/a3"]?.counts == EngagementCounts(replies: 0, reposts: 0, likes: 0))
        #expect(try harness.state()?.audience == 88)

        let before = server.requests.count
        #expect(try await harness.refresh().error == nil)
        let again = Array(server.requests.dropFirst(before))
        #expect(again.count == 2) // the profile (for the follower count), then the first feed page: 304
        #expect(again.last?.status == 304)
    }

    @Test func blueskyEngagersAreNamedByDID() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/xrpc/app.bsky.actor.getProfile?actor=ana.bsky.social",
                   json: #"{"did": "did:plc:ana", "handle": "ana.bsky.social", "followersCount": 88}"#)
        server.set("/xrpc/app.bsky.feed.getAuthorFeed?actor=did:plc:ana&limit=100&filter=posts_with_replies", json: #"{"feed": ["# + [
            Self.feedItem("a1", days: 1, counts: (nil, nil, 3, nil)),
            Self.feedItem("a2", days: 2, counts: (1, nil, 2, nil)),
        ].joined(separator: ",") + "]}")
        func like(_ did: String) -> String { #"{"actor": {"did": "\#(did)", "handle": "x"}, "createdAt": "2026-11-01T00:00:00Z", "indexedAt": "2026-11-01T00:00:00Z"}"# }
        let a1 = "at%3A%2F%2Fdid%3Aplc%3Aana%2Fapp.bsky.feed.post%2Fa1", a2 = "at%3A%2F%2Fdid%3Aplc%3Aana%2Fapp.bsky.feed.post%2Fa2"
        server.set("/xrpc/app.bsky.feed.getLikes?uri=\(a1)&limit=100",
                   json: #"{"uri": "at://did:plc:ana/app.bsky.feed.post/a1", "likes": [\#(like("did:plc:pod1")), \#(like("did:plc:pod2")), \#(like("did:plc:ana"))]}"#)
        server.set("/xrpc/app.bsky.feed.getLikes?uri=\(a2)&limit=100",
                   json: #"{"uri": "at://did:plc:ana/app.bsky.feed.post/a2", "likes": [\#(like("did:plc:pod1")), \#(like("did:plc:pod2"))]}"#)
        server.set("/xrpc/app.bsky.feed.getPostThread?uri=\(a2)&depth=1&parentHeight=0", json: """
            {"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": {"uri": "at://did:plc:ana/app.bsky.feed.post/a2", "author": {"did": "did:plc:ana"}},
             "replies": [{"$type": "app.bsky.feed.defs#threadViewPost", "post": {"uri": "at://did:plc:bob/app.bsky.feed.post/b1", "author": {"did": "did:plc:bob", "handle": "bob"}}},
                         {"$type": "app.bsky.feed.defs#blockedPost", "uri": "at://did:plc:x/app.bsky.feed.post/zz", "blocked": true}]}}
            """)
        let harness = try Harness(server: server, personas: Self.blueskyPersona)
        #expect(try await harness.refresh().error == nil)
        let engagements = try harness.store.engagements(persona: harness.persona.id)
        #expect(engagements.filter { $0.metric == .applause }.map(\.actor).sorted() == ["did:plc:pod1", "did:plc:pod1", "did:plc:pod2", "did:plc:pod2"])
        #expect(engagements.filter { $0.metric == .conversation }.map(\.actor) == ["did:plc:bob"])
        // The persona's own like of its post is nobody's applause.
        #expect(try harness.posts()["at://did:plc:ana/app.bsky.feed.post/a1"]?.counts.likes == 2)
    }

    // MARK: Reddit

    @Test func redditListingsPagedWithAfterThen304() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        let now = Date().timeIntervalSince1970
        func t3(_ id: String, _ days: Double, score: Int, comments: Int, crossposts: Int) -> String {
            #"{"kind": "t3", "data": {"id": "\#(id)", "name": "t3_\#(id)", "created": 1, "created_utc": \#(now - days * 86400), "title": "title \#(id)", "selftext": "", "subreddit": "Swift", "permalink": "/r/swift/comments/\#(id)/x/", "score": \#(score), "num_comments": \#(comments), "num_crossposts": \#(crossposts), "author": "ana"}}"#
        }
        func t1(_ id: String, _ days: Double, score: Int, parent: String, linkAuthor: String) -> String {
            #"{"kind": "t1", "data": {"id": "\#(id)", "name": "t1_\#(id)", "created_utc": \#(now - days * 86400), "body": "comment \#(id)", "subreddit": "linux", "permalink": "/r/linux/comments/p/x/\#(id)/", "score": \#(score), "parent_id": "\#(parent)", "link_id": "\#(parent.hasPrefix("t3_") ? parent : "t3_other")", "link_author": "\#(linkAuthor)", "author": "ana"}}"#
        }
        let submitted = "/user/ana/submitted.json?limit=100&raw_json=1"
        let comments = "/user/ana/comments.json?limit=100&raw_json=1"
        server.set(submitted, json: #"{"kind": "Listing", "data": {"after": "t3_p2", "dist": 1, "children": [\#(t3("p1", 1, score: 40, comments: 6, crossposts: 1))]}}"#)
        server.set(submitted + "&after=t3_p2", json: #"{"kind": "Listing", "data": {"after": null, "children": [\#(t3("p2", 3, score: 12, comments: 2, crossposts: 0))]}}"#)
        server.set(comments, json: #"{"kind": "Listing", "data": {"after": null, "children": [\#(t1("c1", 1, score: 5, parent: "t1_zz", linkAuthor: "bob")), \#(t1("c2", 2, score: 1, parent: "t3_p1", linkAuthor: "ana"))]}}"#)
        let harness = try Harness(server: server, personas: """
            [[persona]]
            id = "ana-reddit"
            network = "reddit"
            handle = "ana"
              [[persona.source]]
              kind = "api"
              url = "BASE"
            """)
        let outcome = try await harness.refresh()
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        let posts = try harness.posts()
        #expect(posts.keys.sorted() == ["t1_c1", "t1_c2", "t3_p1", "t3_p2"])
        // Reddit's score less the author's own automatic upvote.
        #expect(posts["t3_p1"]?.counts == EngagementCounts(replies: 6, reposts: 1, likes: 39))
        #expect(posts["t3_p1"]?.tags == ["swift"])
        #expect(posts["t3_p1"]?.url == "https://www.reddit.com/r/swift/comments/p1/x/")
        #expect(posts["t1_c1"]?.kind == .reply)
        #expect(posts["t1_c1"]?.counts == EngagementCounts(replies: nil, reposts: nil, likes: 4))
        #expect(posts["t1_c1"]?.inReplyTo == "t1_zz")
        #expect(posts["t1_c2"]?.kind == .selfReply)
        // A comment in the persona's own thread is counted in that submission's num_comments.
        #expect(posts["t1_c2"]?.inReplyTo == "t3_p1")

        let before = server.requests.count
        #expect(try await harness.refresh().error == nil)
        let again = Array(server.requests.dropFirst(before))
        #expect(again.map(\.status) == [304, 304])
    }

    // MARK: YouTube

    @Test func youtubeChannelFeedLikesFromStarRatingThen304() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        func entry(_ id: String, _ days: Double, likes: Int, views: Int) -> String {
            """
            <entry>
              <id>yt:video:\(id)</id><yt:videoId>\(id)</yt:videoId><yt:channelId>UCabcdefghijklmnopqrstuv</yt:channelId>
              <title>Video \(id)</title><link rel="alternate" href="https://www.youtube.com/watch?v=\(id)"/>
              <author><name>Ana</name><uri>https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv</uri></author>
              <published>\(daysAgo(days))</published><updated>\(daysAgo(days / 2))</updated>
              <media:group>
                <media:title>Video \(id)</media:title>
                <media:content url="https://www.youtube.com/v/\(id)?version=3" type="application/x-shockwave-flash" width="640" height="390"/>
                <media:thumbnail url="https://i1.ytimg.com/vi/\(id)/hqdefault.jpg" width="480" height="360"/>
                <media:description>About \(id)</media:description>
                <media:community>
                  <media:starRating count="\(likes)" average="5.00" min="1" max="5"/>
                  <media:statistics views="\(views)"/>
                </media:community>
              </media:group>
            </entry>
            """
        }
        let path = "/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv"
        server.set(path, xml: """
            <?xml version="1.0" encoding="UTF-8"?>
            <feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
             <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv"/>
             <id>yt:channel:abcdefghijklmnopqrstuv</id><yt:channelId>abcdefghijklmnopqrstuv</yt:channelId><title>Ana</title>
             \(entry("v1", 1, likes: 120, views: 4000))
             \(entry("v2", 9, likes: 7, views: 300))
            </feed>
            """)
        let harness = try Harness(server: server, personas: """
            [[persona]]
            id = "ana-yt"
            network = "youtube"
            handle = "UCabcdefghijklmnopqrstuv"
              [[persona.source]]
              kind = "feed"
              url = "BASE/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv"
            """)
        #expect(try await harness.refresh().error == nil)
        let posts = try harness.posts()
        #expect(posts["yt:video:v1"]?.counts == EngagementCounts(replies: nil, reposts: nil, likes: 120))
        #expect(posts["yt:video:v1"]?.url == "https://www.youtube.com/watch?v=v1")
        #expect(posts["yt:video:v2"]?.counts.likes == 7)
        let snapshot = try harness.snapshot()
        let conversation = try #require(snapshot.score.components.first { $0.name == "conversation" })
        #expect(!conversation.measured && conversation.reason.contains("YouTube"))
        #expect(try await harness.refresh().error == nil)
        #expect(server.requests.last?.status == 304)
    }

    // MARK: Export and API together

    /// Who reacted: a pod of ten accounts that favourite everything counts as ten people once in
    /// the window, not as ten likes on every post; the persona's own favourite is no one's applause.
    @Test func mastodonEngagersArePeopleCountedOncePerWindow() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "followers_count": 50}"#)
        func timeline(bumped: Bool) -> String {
            "[" + (1...12).map { index in
                Self.status("\(300 + index)", days: Double(index), replies: index == 1 ? 2 : 0, favourites: index == 1 && bumped ? 14 : 13)
            }.joined(separator: ",") + "]"
        }
        let statuses = "/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true"
        server.set(statuses, json: timeline(bumped: false))
        func account(_ id: String) -> String { #"{"id": "\#(id)", "username": "u\#(id)", "acct": "u\#(id)"}"# }
        for index in 1...12 {
            // Ten pod accounts, two people of this post's own, and the persona itself.
            let likers = (0..<10).map { "pod\($0)" } + ["fan\(index)a", "fan\(index)b", "109"]
            server.set("/api/v1/statuses/\(300 + index)/favourited_by?limit=80", json: "[" + likers.map(account).joined(separator: ",") + "]")
        }
        server.set("/api/v1/statuses/301/context", json: #"{"ancestors": [], "descendants": [\#(Self.status("401", days: 0.5, replyTo: "301", replyAccount: "109").replacingOccurrences(of: #""account": {"id": "109""#, with: #""account": {"id": "777""#)), \#(Self.status("402", days: 0.4, replyTo: "401", replyAccount: "777"))]}"#)
        let harness = try Self.mastodon(server, engagers: 20)
        #expect(try await harness.refresh().error == nil)
        #expect(server.requests("/api/v1/statuses/").count == 13) // twelve favourited_by, one context
        let engagements = try harness.store.engagements(persona: harness.persona.id)
        #expect(engagements.filter { $0.metric == .applause }.count == 12 * 12)
        #expect(!engagements.contains { $0.actor == "109" })
        #expect(engagements.filter { $0.metric == .conversation }.map(\.actor) == ["777"])
        let posts = try harness.posts()
        #expect(posts["https://social.example/users/ana/statuses/305"]?.counts.likes == 12) // 13 less the persona's own
        let applause = try #require(try harness.snapshot().score.components.first { $0.name == "applause" })
        // Per post: ten pod accounts × 1/12 + two people = 2.83 likes, not 12.
        #expect(abs(try #require(applause.raw) - (10.0 / 12 + 2)) < 1e-9)
        #expect(applause.reason.contains("on 12 posts the likers are known: 34 people, each counted once in the window"), "\(applause.reason)")

        // Unchanged timeline: 304, nobody looked up again.
        let before = server.requests("/api/v1/statuses/").count
        #expect(try await harness.refresh().error == nil)
        #expect(server.requests("/api/v1/statuses/").count == before)
        // One post's counts moved: only that post is looked up.
        server.set(statuses, json: timeline(bumped: true))
        #expect(try await harness.refresh().error == nil)
        let after = server.requests("/api/v1/statuses/").map(\.target).dropFirst(before)
        #expect(Array(after) == ["/api/v1/statuses/301/favourited_by?limit=80", "/api/v1/statuses/301/context"])
    }

    @Test func aFailedEngagerLookupSkipsThatPostAndKeepsTheTimeline() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "followers_count": 50}"#)
        server.set("/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true", json: "[" + [
            Self.status("501", days: 1, favourites: 3), Self.status("502", days: 2, favourites: 2),
        ].joined(separator: ",") + "]")
        server.set("/api/v1/statuses/501/favourited_by?limit=80", .init(status: 401, body: Data(#"{"error": "auth required"}"#.utf8)))
        server.set("/api/v1/statuses/502/favourited_by?limit=80", json: "[{\"id\": \"7\"}, {\"id\": \"8\"}]")
        server.set("/api/v1/statuses/503/favourited_by?limit=80", json: "[{\"id\": \"9\"}, {\"id\"")  // cut short
        let harness = try Self.mastodon(server)
        #expect(try await harness.refresh().error == nil)
        #expect(try harness.posts().count == 2)
        #expect(try harness.store.engagements(persona: harness.persona.id).map(\.actor).sorted() == ["7", "8"])
        // 501 is asked again next time (its counts were never looked up); 502 is not.
        server.set("/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true", json: "[" + [
            Self.status("501", days: 1, favourites: 3), Self.status("502", days: 2, favourites: 2), Self.status("503", days: 0.5, favourites: 1),
        ].joined(separator: ",") + "]")
        let before = server.requests.count
        // A malformed answer (503's) is skipped like a refused one: the timeline still lands.
        #expect(try await harness.refresh().error == nil)
        #expect(server.requests.dropFirst(before).map(\.target).filter { $0.contains("/statuses/50") }
                == ["/api/v1/statuses/501/favourited_by?limit=80", "/api/v1/statuses/503/favourited_by?limit=80"])
        #expect(try harness.posts().count == 3)
        #expect(try harness.store.engagements(persona: harness.persona.id).count == 2)
    }

    @Test func aTimedOutEngagerLookupIsSkippedToo() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "followers_count": 50}"#)
        server.set("/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true", json: "[" + Self.status("601", days: 1, favourites: 3) + "]")
        server.set("/api/v1/statuses/601/favourited_by?limit=80", .init(body: Data("[]".utf8), delay: .seconds(4)))
        let harness = try Self.mastodon(server, timeout: "1s")
        #expect(try await harness.refresh().error == nil)
        #expect(try harness.posts().count == 1)
        #expect(try harness.store.engagements(persona: harness.persona.id).isEmpty)
    }

    @Test func mastodonExportAndAPIMakeOnePersonaWithTwoSources() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "followers_count": 12}"#)
        server.set("/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true", json: "[" + [
            Self.status("201", days: 1, replies: 4, reblogs: 1, favourites: 6),
            Self.status("202", days: 2, replies: 2, reblogs: 0, favourites: 3),
        ].joined(separator: ",") + "]")
        let archive = try TemporaryDirectory("mastodon-export")
        defer { archive.remove() }
        func create(_ id: String, _ days: Double) -> String {
            """
            {"id": "https://social.example/users/ana/statuses/\(id)/activity", "type": "Create", "actor": "https://social.example/users/ana",
             "published": "\(daysAgo(days))", "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": ["https://social.example/users/ana/followers"],
             "object": {"id": "https://social.example/users/ana/statuses/\(id)", "type": "Note", "published": "\(daysAgo(days))",
                        "content": "<p>old post \(id)</p>", "inReplyTo": null, "to": ["https://www.w3.org/ns/activitystreams#Public"],
                        "cc": [], "tag": []}}
            """
        }
        try archive.write("outbox.json", #"{"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json", "type": "OrderedCollection", "totalItems": 99, "orderedItems": ["# + [
            create("201", 1), create("150", 200), create("151", 201),
        ].joined(separator: ",") + "]}")
        try archive.write("actor.json", #"{"id": "https://social.example/users/ana", "type": "Person", "preferredUsername": "ana"}"#)
        let harness = try Harness(server: server, personas: """
            [[persona]]
            id = "ana-mastodon"
            network = "mastodon"
            handle = "ana"
              [[persona.source]]
              kind = "export"
              path = "\(archive.path)"
              [[persona.source]]
              kind = "api"
              url = "BASE"
            """)
        #expect(try await harness.refresh(0).error == nil)
        #expect(try await harness.refresh(1).error == nil)
        let posts = try harness.posts()
        // 201 is in both sources: one post, with the API's counts; 150, 151 from the export; 202 from the API.
        #expect(posts.count == 4)
        #expect(posts["https://social.example/users/ana/statuses/201"]?.counts == EngagementCounts(replies: 4, reposts: 1, likes: 6))
        #expect(posts["https://social.example/users/ana/statuses/150"]?.counts == EngagementCounts())
        let snapshot = try harness.snapshot()
        #expect(snapshot.sources.map(\.kind) == [.export, .api])
        #expect(snapshot.sources.allSatisfy { $0.status == .ok })
        #expect(snapshot.score.sample.posts == 4)
        // The archive cannot measure replies, the API can: measured. The API states the audience.
        #expect(snapshot.score.components.first { $0.name == "conversation" }?.measured == true)
        #expect(snapshot.score.components.first { $0.name == "audience" }?.raw == 12)
        #expect(snapshot.score.calibration?.network == .mastodon)
    }
}
