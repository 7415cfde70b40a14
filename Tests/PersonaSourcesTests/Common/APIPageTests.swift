import Foundation
import Testing
@testable import PersonaSources

/// Bluesky's and Reddit's pages through `JSONPage`: the values the readers keep, and failures
/// that name the record and the field (the pages' happy paths run end to end in the daemon tests).
@Suite struct APIPageTests {
    func read<T>(_ json: String, _ body: (inout JSONPage) throws(JSONPage.Failure) -> T) -> Result<T, SourceError> {
        do {
            return .success(try JSONPage.read(Data(json.utf8), location: "https://api.example/page", body))
        } catch {
            return .failure(error)
        }
    }

    static let blueskyPost = #"""
        {"post": {"uri": "at://did:plc:ana/app.bsky.feed.post/3k", "cid": "bafy", "author": {"did": "did:plc:ana", "handle": "ana.example", "labels": []},
          "record": {"$type": "app.bsky.feed.post", "text": "caf\u00e9 \ud83e\uddf5", "createdAt": "2026-11-30T10:00:00.000Z", "langs": ["en"],
                     "reply": {"root": {"uri": "at://did:plc:bo/app.bsky.feed.post/1", "cid": "x"}, "parent": {"uri": "at://did:plc:bo/app.bsky.feed.post/2", "cid": "y"}},
                     "facets": [{"index": {"byteStart": 0, "byteEnd": 4}, "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://e.example"},
                                                                                    {"$type": "app.bsky.richtext.facet#tag", "tag": "Linux"}]}],
                     "tags": ["swift"]},
          "replyCount": 3, "repostCount": 1, "likeCount": 12, "quoteCount": 0, "indexedAt": "2026-11-30T10:00:01.000Z", "viewer": {}},
         "reason": null}
        """#

    @Test func blueskyFeedKeepsWhatTheReaderUses() throws {
        let repost = #"{"post": {"uri": "at://did:plc:bo/app.bsky.feed.post/9", "author": {"did": "did:plc:bo"}, "record": {"text": "x"}}, "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": {"did": "did:plc:ana"}}}"#
        let feed = try read("{\"cursor\": \"c1\", \"feed\": [\(Self.blueskyPost), \(repost)]}") { page throws(JSONPage.Failure) in
            try BlueskyAPIReader.Feed(&page)
        }.get()
        #expect(feed.cursor == "c1" && feed.feed.count == 2)
        let post = try #require(feed.feed.first)
        #expect(!post.repost && feed.feed[1].repost)
        #expect(post.post.record.text == "café 🧵" && post.post.record.replyParent == "at://did:plc:bo/app.bsky.feed.post/2")
        #expect(post.post.record.facetTags == ["Linux"] && post.post.record.tags == ["swift"])
        #expect(post.post.replyCount == 3 && post.post.likeCount == 12 && post.post.author.handle == "ana.example")

        let likers = try read(#"{"uri": "u", "likes": [{"indexedAt": "t", "actor": {"did": "did:plc:a"}}, {"actor": {"did": "did:plc:b"}}]}"#) { page throws(JSONPage.Failure) in
            try BlueskyAPIReader.likers(&page)
        }.get()
        #expect(likers == ["did:plc:a", "did:plc:b"])
        let repliers = try read(#"{"thread": {"post": {}, "replies": [{"post": {"author": {"did": "did:plc:c"}}}, {"$type": "app.bsky.feed.defs#blockedPost"}]}}"#) {
            page throws(JSONPage.Failure) in try BlueskyAPIReader.repliers(&page)
        }.get()
        #expect(repliers == ["did:plc:c"]) // the blocked reply carries no post
    }

    @Test func blueskyFailuresNameRecordAndField() throws {
        let noAuthor = #"{"post": {"uri": "u", "record": {}}}"#
        guard case .failure(let missing) = read("{\"feed\": [\(Self.blueskyPost), \(noAuthor)]}", { page throws(JSONPage.Failure) in
            try BlueskyAPIReader.Feed(&page)
        }) else { Issue.record("a post without an author was read"); return }
        #expect(missing.record == 2 && missing.field == "feed.post.author" && missing.detail.hasPrefix("missing"))

        let textCount = #"{"post": {"uri": "u", "author": {"did": "d"}, "record": {}, "likeCount": "12"}}"#
        guard case .failure(let mismatch) = read("{\"feed\": [\(textCount)]}", { page throws(JSONPage.Failure) in
            try BlueskyAPIReader.Feed(&page)
        }) else { Issue.record("a count given as text was read"); return }
        #expect(mismatch.record == 1 && mismatch.field == "feed.post.likeCount" && mismatch.detail.hasPrefix("expected a number"))

        guard case .failure(let noList) = read(#"{"error": "InvalidRequest", "message": "Profile not found"}"#, { page throws(JSONPage.Failure) in
            try BlueskyAPIReader.reposters(&page)
        }) else { Issue.record("an error body was read as a list"); return }
        #expect(noList.field == "repostedBy" && noList.detail.hasPrefix("missing"))
    }

    @Test func redditListingKeepsWhatTheReaderUsesAndNamesFailures() throws {
        let comment = #"{"kind": "t1", "data": {"id": "k2", "created_utc": 1764500000.0, "body": "yes", "score": 4, "parent_id": "t3_a", "link_id": "t3_a", "link_author": "ana", "all_awardings": [], "replies": ""}}"#
        let listing = try read(#"{"kind": "Listing", "data": {"after": "t1_k2", "dist": 1, "children": ["# + comment + "]}}") { page throws(JSONPage.Failure) in
            try RedditAPIReader.Listing(&page)
        }.get()
        #expect(listing.data.after == "t1_k2" && listing.data.children.count == 1)
        let thing = try #require(listing.data.children.first?.data)
        #expect(thing.id == "k2" && thing.created_utc == 1_764_500_000 && thing.score == 4 && thing.link_author == "ana" && thing.body == "yes")

        let noTime = #"{"kind": "t3", "data": {"id": "a", "title": "t"}}"#
        guard case .failure(let missing) = read(#"{"kind": "Listing", "data": {"children": ["# + comment + ", " + noTime + "]}}", { page throws(JSONPage.Failure) in
            try RedditAPIReader.Listing(&page)
        }) else { Issue.record("a thing without created_utc was read"); return }
        #expect(missing.record == 2 && missing.field == "data.children.data.created_utc" && missing.detail.hasPrefix("missing"))

        guard case .failure(let html) = read("<html><body>Too Many Requests</body></html>", { page throws(JSONPage.Failure) in
            try RedditAPIReader.Listing(&page)
        }) else { Issue.record("an HTML page was read as a listing"); return }
        #expect(html.detail.contains("malformed JSON") && html.description.hasPrefix("https://api.example/page: "))
    }
}
