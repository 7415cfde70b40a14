import Foundation
import PersonaModel
import PersonaStore
import Testing
import TestSupport
@testable import PersonaDaemon

/// The Reddit listings reader through the real source refresh and libcurl, against a loopback server:
/// `after` paging, the author's own upvote left out, 304 reuse.
@Suite(.serialized) struct RedditAPITests {
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
        let harness = try Harness(server: server) { config, base in
            config
                .persona("ana-reddit", network: "reddit", handle: "ana", sources: [("kind", "api"), ("url", "\(base)")])
        }
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
}
