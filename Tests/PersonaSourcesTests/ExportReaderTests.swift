import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaSources
import PersonaUtilities

@Suite struct LenientCSVTests {
    func read(_ text: String, required: [String] = ["Date", "Link", "Message"]) throws -> LenientCSV {
        try LenientCSV.read(Data(text.utf8), required: required, location: "export.zip", entry: "Comments.csv")
    }

    @Test func backslashEscapedAndDoubledQuotesMultilineFieldsAndPreamble() throws {
        let csv = try read(#"""
            Notes:
            "This file lists your comments, ""as written"""

            Date,Link,Message
            2025-07-01 14:33:22,https://www.linkedin.com/feed/update/urn:li:activity:1,"He said \"hi\", then left"
            2025-07-02 09:00:00,https://www.linkedin.com/feed/update/urn:li:activity:2,"two
            lines, with ""doubled"" quotes"
            ,,
            2025-07-03 10:00:00,https://x.example/3,plain
            """#)
        #expect(csv.header == ["Date", "Link", "Message"])
        #expect(csv.rows.count == 3)
        #expect(csv.rows[0]["Message"] == "He said \"hi\", then left")
        #expect(csv.rows[1]["Message"] == "two\nlines, with \"doubled\" quotes")
        #expect(csv.rows[2]["Message"] == "plain")
        #expect(csv.rows[2].line == 9)
    }

    @Test func utf16LittleEndianWithTabs() throws {
        let text = "Date\tShare Title\tShare Commentary\tVisibility\r\n2017/06/08 08:15:44 UTC\tHello\tCaf\u{e9} \u{1F600}\tPUBLIC\r\n"
        var data = Data([0xFF, 0xFE])
        data.append(text.data(using: .utf16LittleEndian) ?? Data())
        let csv = try LenientCSV.read(data, required: ["Date", "Share Commentary"], location: "x", entry: "Shares.csv")
        #expect(csv.rows.count == 1)
        #expect(csv.rows[0]["Share Commentary"] == "Caf\u{e9} \u{1F600}")
    }

    @Test func brokenQuoteAndWrongEncodingNameTheLine() {
        let broken = #expect(throws: SourceError.self) { try read("Date,Link,Message\n2025-01-01,l,\"never closed\n2025-01-02,l,x\n") }
        #expect(broken?.line == 2)
        #expect(broken?.description.contains("Comments.csv") == true)
        let latin1 = #expect(throws: SourceError.self) {
            try LenientCSV.read(Data("Date,Link,Message\n2025-01-01,l,caf".utf8) + Data([0xE9]), required: ["Date"], location: "x", entry: "Comments.csv")
        }
        #expect(latin1?.description.contains("not UTF-8") == true)
        #expect(latin1?.line == 2)
        let noHeader = #expect(throws: SourceError.self) { try read("a,b,c\n1,2,3\n") }
        #expect(noHeader?.description.contains("no header line") == true)
    }
}

@Suite struct MojibakeTests {
    @Test func repairsOnlyWhatIsExactlyMojibake() {
        #expect(Mojibake.repair("\u{f0}\u{9f}\u{99}\u{84}") == "\u{1F644}")
        #expect(Mojibake.repair("Caf\u{c3}\u{a9}") == "Caf\u{e9}")
        #expect(Mojibake.repair("Caf\u{e9}") == "Caf\u{e9}") // Latin-1 that is not UTF-8 bytes: kept
        #expect(Mojibake.repair("plain") == "plain")
        #expect(Mojibake.repair("\u{e9}t\u{e9} \u{1F600}") == "\u{e9}t\u{e9} \u{1F600}") // a scalar above U+00FF: kept
    }
}

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

@Suite final class FacebookExportTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory("facebook-export") }
    deinit { directory.remove() }


    @Test(arguments: ["posts/your_posts_1.json",
                      "your_activity_across_facebook/posts/your_posts__check_ins__photos_and_videos_1.json",
                      "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json"])
    func everyLayoutWithMojibakeRepaired(_ path: String) throws {
        try directory.write("fb/\(path)", "[\(facebookPost), {\"timestamp\": 1600001000, \"title\": \"Ana shared a link.\"}]")
        try directory.write("fb/comments_and_reactions/comments.json", facebookComments)
        try directory.write("fb/your_facebook_activity/comments_and_reactions/likes_and_reactions_1.json", #"[{"timestamp": 1600003000, "data": [{"reaction": {"reaction": "LIKE", "actor": "Ana"}}], "title": "Ana likes Bob's post."}]"#)
        let observation = try FacebookExportReader().read(ExportArchive(path: directory.file("fb")), handle: "ana")
        let originals = observation.posts.filter { $0.kind == .original }
        #expect(originals.count == 2)
        #expect(originals.contains { $0.text == "Caf\u{e9} time \u{1F644} #Coffee" && $0.tags == ["coffee"] })
        #expect(originals.contains { $0.text == "Ana shared a link." })
        #expect(observation.posts.filter { $0.kind == .reply }.map(\.text) == ["Nice \u{1F600}"])
        #expect(observation.interactions.map(\.kind) == [.reactionGiven])
        #expect(observation.unmeasurable.count == 3)
        // Reading twice gives the same ids.
        let again = try FacebookExportReader().read(ExportArchive(path: directory.file("fb")), handle: "ana")
        #expect(Set(again.posts.map(\.id)) == Set(observation.posts.map(\.id)))
    }

    @Test(arguments: [("friends/friends.json", "friends"), ("friends_and_followers/friends.json", "friends_v2"),
                      ("connections/friends/your_friends.json", "friends_v2")])
    func theFriendsListIsTheAudience(_ path: String, _ key: String) throws {
        try directory.write("f/posts/your_posts_1.json", "[\(facebookPost)]")
        let friend = #"{"name": "B\u00c3\u00b8b", "timestamp": 1500000000}"#
        try directory.write("f/\(path)", #"{"\#(key)": [\#(friend), \#(friend), \#(friend)]}"#)
        try directory.write("f/friends_and_followers/removed_friends.json", #"{"deleted_friends_v2": [\#(friend)]}"#)
        #expect(try FacebookExportReader().read(ExportArchive(path: directory.file("f")), handle: "a").audience == 3)
        try directory.write("none/posts/your_posts_1.json", "[\(facebookPost)]")
        #expect(try FacebookExportReader().read(ExportArchive(path: directory.file("none")), handle: "a").audience == nil)
    }

    @Test func olderReactionsKeyAndTruncatedFile() throws {
        try directory.write("old/posts/your_posts_1.json", "[\(facebookPost)]")
        try directory.write("old/likes_and_reactions/posts_and_comments.json", #"{"reactions": [{"timestamp": 1500000000, "title": "x"}]}"#)
        #expect(try FacebookExportReader().read(ExportArchive(path: directory.file("old")), handle: "a").interactions.count == 1)
        try directory.write("cut/posts/your_posts_1.json", "[\(facebookPost), {\"timestamp\": 16")
        let error = #expect(throws: SourceError.self) { try FacebookExportReader().read(ExportArchive(path: directory.file("cut")), handle: "a") }
        #expect(error?.entry == "posts/your_posts_1.json")
        #expect(error?.description.contains("malformed JSON") == true)
    }

    @Test func anInstagramArchiveIsNotAFacebookExport() throws {
        try directory.write("ig/your_instagram_activity/media/posts_1.json", "[]")
        let error = #expect(throws: SourceError.self) { try FacebookExportReader().read(ExportArchive(path: directory.file("ig")), handle: "a") }
        #expect(error?.description.contains("not a Facebook export") == true)
    }
}

@Suite final class MastodonExportTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory("mastodon-export") }
    deinit { directory.remove() }

    @Test func createsAnnouncesVisibilityAndSelfReplies() throws {
        let actor = "https://social.example/users/ana"
        func note(_ id: String, reply: String? = nil, to: String = "https://www.w3.org/ns/activitystreams#Public", tags: String = "[]") -> String {
            """
            {"type": "Create", "published": "2026-01-0\(id)T10:00:00Z", "to": ["\(to)"], "cc": [],
             "object": {"id": "\(actor)/statuses/\(id)", "type": "Note", "published": "2026-01-0\(id)T10:00:00Z",
                        "content": "<p>note \(id)</p>", "inReplyTo": \(reply.map { "\"\($0)\"" } ?? "null"),
                        "to": ["\(to)"], "cc": ["\(actor)/followers"], "tag": \(tags)}}
            """
        }
        try directory.write("archive/outbox.json", """
            {"@context": "https://www.w3.org/ns/activitystreams", "type": "OrderedCollection", "totalItems": 40, "orderedItems": [
              \(note("1", tags: ##"[{"type": "Hashtag", "name": "#Swift"}, {"type": "Mention", "name": "@bob"}]"##)),
              \(note("2", reply: "https://other.example/users/bob/statuses/9")),
              \(note("3", reply: "\(actor)/statuses/1")),
              \(note("4", to: "\(actor)/followers")),
              {"type": "Announce", "published": "2026-01-05T10:00:00Z", "to": ["https://www.w3.org/ns/activitystreams#Public"], "object": "https://other.example/users/bob/statuses/10"}
            ]}
            """)
        try directory.write("archive/actor.json", #"{"id": "https://social.example/users/ana", "type": "Person", "preferredUsername": "ana"}"#)
        let observation = try MastodonExportReader().read(ExportArchive(path: directory.file("archive")), handle: "ana")
        let byID = Dictionary(uniqueKeysWithValues: observation.posts.map { ($0.id.split(separator: "/").last.map(String.init) ?? "", $0) })
        #expect(byID.keys.sorted() == ["1", "2", "3"]) // 4 is followers-only, 5 is a boost
        #expect(byID["1"]?.tags == ["swift"])
        #expect(byID["1"]?.text == "note 1")
        #expect(byID["2"]?.kind == .reply)
        #expect(byID["3"]?.kind == .selfReply)
        #expect(observation.skippedReposts == 1)
    }
}
