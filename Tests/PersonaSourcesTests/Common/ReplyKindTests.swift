import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaSources

/// One definition of answering people across readers: a reply to someone else is an answer, a
/// reply that continues the persona's own words is a self-reply.
@Suite final class ReplyKindTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory("reply-kind") }
    deinit { directory.remove() }

    @Test func mentionsOfSomeoneElseAreAnswers() {
        #expect(ReplyKind.comment(onOwnPost: true, text: "@bob.k thanks, the recipe is in my bio", handle: "ana") == .reply)
        #expect(ReplyKind.comment(onOwnPost: true, text: "more photos tomorrow", handle: "ana") == .selfReply)
        #expect(ReplyKind.comment(onOwnPost: true, text: "as @ana said before", handle: "ana") == .selfReply)
        #expect(ReplyKind.comment(onOwnPost: true, text: "write to ana@example.org", handle: "ana") == .selfReply)
        #expect(ReplyKind.comment(onOwnPost: false, text: "lovely", handle: "ana") == .reply)
    }

    /// The same comments, read from a Reddit export and from the listings (newest first, the reply
    /// to the persona's own comment on an earlier page than that comment), get the same kinds.
    @Test func theRedditExportAndTheListingsAgree() throws {
        // c4 replies to the persona's own c1 (on someone else's post); c3 is top-level in its own
        // submission p1; c2 answers someone (t1_zz) in its own submission; c1 answers under bob's post.
        let comments: [(id: String, days: Int, parent: String, link: String, linkAuthor: String)] = [
            ("c4", 1, "t1_c1", "t3_x", "bob"), ("c3", 2, "t3_p1", "t3_p1", "ana"), ("c2", 3, "t1_zz", "t3_p1", "ana"),
            ("c1", 4, "t3_x", "t3_x", "bob"),
        ]
        try directory.write("export/posts.csv", "id,permalink,date,subreddit,title\np1,https://www.reddit.com/r/swift/comments/p1/,2023-01-10 12:00:00 UTC,swift,Mine\n")
        try directory.write("export/comments.csv", "id,permalink,date,subreddit,link,parent,body\n" + comments.map {
            "\($0.id),https://www.reddit.com/c/\($0.id),2023-01-1\(9 - $0.days) 12:00:00 UTC,swift,https://www.reddit.com/\($0.link),\($0.parent),words"
        }.joined(separator: "\n") + "\n")
        let export = try RedditExportReader().read(ExportArchive(path: directory.file("export")), handle: "ana")

        func t1(_ comment: (id: String, days: Int, parent: String, link: String, linkAuthor: String)) -> String {
            #"{"kind": "t1", "data": {"id": "\#(comment.id)", "created_utc": \#(1_674_000_000 - comment.days * 86400), "body": "words", "subreddit": "swift", "score": 1, "parent_id": "\#(comment.parent)", "link_id": "\#(comment.link)", "link_author": "\#(comment.linkAuthor)", "author": "ana"}}"#
        }
        var poll = RedditAPIReader().makePoll(PollContext(url: "http://127.0.0.1:1", handle: "ana", windowStart: .distantPast))
        var pages = 0
        while let request = poll.nextRequest(), pages < 6 {
            pages += 1
            let body: String
            if request.url.contains("/submitted.json") {
                body = #"{"kind": "Listing", "data": {"after": null, "children": [{"kind": "t3", "data": {"id": "p1", "created_utc": 1673352000, "title": "Mine", "subreddit": "swift", "score": 3, "num_comments": 2, "num_crossposts": 0, "author": "ana"}}]}}"#
            } else if request.url.contains("after=") {
                body = #"{"kind": "Listing", "data": {"after": null, "children": [\#(comments.suffix(2).map(t1).joined(separator: ","))]}}"#
            } else {
                body = #"{"kind": "Listing", "data": {"after": "t1_c2", "children": [\#(comments.prefix(2).map(t1).joined(separator: ","))]}}"#
            }
            try poll.receive(SourceResponse(url: request.url, status: 200, headers: [:], body: Data(body.utf8)))
        }
        let listings = poll.observation
        func kinds(_ posts: [Post]) -> [String: PostKind] { Dictionary(uniqueKeysWithValues: posts.map { ($0.id, $0.kind) }) }
        let expected: [String: PostKind] = ["t3_p1": .original, "t1_c1": .reply, "t1_c2": .reply, "t1_c3": .selfReply, "t1_c4": .selfReply]
        #expect(kinds(export.posts) == expected)
        #expect(kinds(listings.posts) == expected)
    }

    @Test func instagramAnswersToCommentersUnderOwnPostsAreAnswers() throws {
        try directory.write("insta/your_instagram_activity/comments/post_comments_1.json", #"""
            [
              {"media_list_data": [], "string_map_data": {"Comment": {"value": "@bob thank you, it was a long hike"}, "Media Owner": {"value": "ana"}, "Time": {"timestamp": 1704200000}}},
              {"media_list_data": [], "string_map_data": {"Comment": {"value": "and the way back"}, "Media Owner": {"value": "ana"}, "Time": {"timestamp": 1704200100}}},
              {"media_list_data": [], "string_map_data": {"Comment": {"value": "So good"}, "Media Owner": {"value": "bob"}, "Time": {"timestamp": 1704300000}}}
            ]
            """#)
        try directory.write("insta/your_instagram_activity/media/posts_1.json", InstagramFixtures.posts)
        let observation = try InstagramExportReader().read(ExportArchive(path: directory.file("insta")), handle: "ana")
        let kinds = observation.posts.filter { $0.kind != .original }.sorted { $0.createdAt < $1.createdAt }.map(\.kind)
        #expect(kinds == [.reply, .selfReply, .reply])
    }
}
