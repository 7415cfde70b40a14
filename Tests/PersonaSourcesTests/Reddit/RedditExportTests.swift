import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaSources
import PersonaUtilities

@Suite final class RedditExportTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory("reddit-export") }
    deinit { directory.remove() }

    @Test func postsAndCommentsWithColumnVariantsAndSelfReplies() throws {
        try directory.write("export/posts.csv", """
            id,permalink,date,ip,subreddit,gildings,title,url,body
            abc,https://www.reddit.com/r/swift/comments/abc/x/,2023-01-15 12:34:56 UTC,1.2.3.4,swift,0,"Title, with comma",https://e.example,""
            """)
        try directory.write("export/comments.csv", """
            id,permalink,date,subreddit,gildings,link,parent,body
            c1,https://www.reddit.com/r/swift/comments/abc/x/c1/,2023-01-16 08:00:00 UTC,swift,0,https://www.reddit.com/r/swift/comments/abc/,t3_abc,"replying in my thread"
            c2,https://www.reddit.com/r/linux/comments/zzz/y/c2/,2023-01-17 08:00:00 UTC,linux,0,https://www.reddit.com/r/linux/comments/zzz/,t1_other,"a reply to someone"
            """)
        let observation = try RedditExportReader().read(ExportArchive(path: directory.file("export")), handle: "ana")
        let byID = Dictionary(uniqueKeysWithValues: observation.posts.map { ($0.id, $0) })
        #expect(byID.keys.sorted() == ["t1_c1", "t1_c2", "t3_abc"])
        #expect(byID["t3_abc"]?.text == "Title, with comma")
        #expect(byID["t3_abc"]?.createdAt == DateParsing.iso8601("2023-01-15T12:34:56Z"))
        #expect(byID["t3_abc"]?.tags == ["swift"])
        #expect(byID["t1_c1"]?.kind == .selfReply)
        #expect(byID["t1_c2"]?.kind == .reply)
        #expect(byID["t3_abc"]?.counts == EngagementCounts())
    }

    @Test func badDateNamesTheLine() throws {
        try directory.write("bad/posts.csv", "id,date,title\nok,2023-01-15 12:34:56 UTC,fine\nbad,yesterday,oops\n")
        let error = #expect(throws: SourceError.self) { try RedditExportReader().read(ExportArchive(path: directory.file("bad")), handle: "ana") }
        #expect(error?.line == 3)
        #expect(error?.field == "date")
    }
}

/// A Facebook post record with Meta's mojibake.
let facebookComments = #"{"comments_v2": [{"timestamp": 1600002000, "data": [{"comment": {"timestamp": 1600002000, "comment": "Nice \u00f0\u009f\u0098\u0080", "author": "Ana"}}], "title": "Ana commented on Bob's post."}]}"#
let facebookPost = #"{"timestamp": 1600000000, "attachments": [], "data": [{"post": "Caf\u00c3\u00a9 time \u00f0\u009f\u0099\u0084 #Coffee"}, {"update_timestamp": 1600000100}], "title": "Ana updated her status."}"#
