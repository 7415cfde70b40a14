import Foundation
import PersonaModel
import PersonaStore
import Testing
import TestSupport
@testable import PersonaDaemon

/// The Bluesky API reader through the real source refresh and libcurl, against a loopback AppView:
/// cursor paging, reposts left out, counts that default to zero, engagers named by DID, 304 reuse.
@Suite(.serialized) struct BlueskyAPITests {
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

    static func bluesky(_ server: FixtureServer) throws -> Harness {
        try Harness(server: server) { config, base in
            config.persona("ana-bsky", network: "bluesky", handle: "ana.bsky.social", sources: [("kind", "api"), ("url", "\(base)")])
    }
    }

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
        let harness = try Self.bluesky(server)
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
        let harness = try Self.bluesky(server)
        #expect(try await harness.refresh().error == nil)
        let engagements = try harness.store.engagements(persona: harness.persona.id)
        #expect(engagements.filter { $0.metric == .applause }.map(\.actor).sorted() == ["did:plc:pod1", "did:plc:pod1", "did:plc:pod2", "did:plc:pod2"])
        #expect(engagements.filter { $0.metric == .conversation }.map(\.actor) == ["did:plc:bob"])
        // The persona's own like of its post is nobody's applause.
        #expect(try harness.posts()["at://did:plc:ana/app.bsky.feed.post/a1"]?.counts.likes == 2)

        // The AppView sends no validators: the next poll reads the same feed, raw counts and all.
        // Nobody is looked up again, and her own like stays out of the count.
        let lookups = server.requests("/xrpc/app.bsky.feed.getLikes").count
        #expect(try await harness.refresh().error == nil)
        #expect(server.requests("/xrpc/app.bsky.feed.getLikes").count == lookups)
        #expect(try harness.posts()["at://did:plc:ana/app.bsky.feed.post/a1"]?.counts.likes == 2)
    }

    // MARK: Reddit
}
