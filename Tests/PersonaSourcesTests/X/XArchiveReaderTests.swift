import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaSources

/// Fixtures shaped like real X archives (see Docs/sources/x.md), one per layout.
enum XFixtures {
    static let account = #"window.YTD.account.part0 = [ { "account" : { "username" : "ana", "accountId" : "42", "createdAt" : "2019-01-01T00:00:00.000Z" } } ]"#

    /// The current layout: `tweets.js`, `{"tweet": …}` wrapper, numbers as strings.
    static func tweet(_ id: String, date: String = "Fri Mar 06 13:02:05 +0000 2026", text: String = "hello #Swift",
                      likes: String = "3", reposts: String = "1", replyTo: (user: String, name: String)? = nil) -> String {
        let reply = replyTo.map { #", "in_reply_to_status_id_str" : "7", "in_reply_to_user_id_str" : "\#($0.user)", "in_reply_to_screen_name" : "\#($0.name)""# } ?? ""
        return #"""
        {
          "tweet" : {
            "edit_info" : { "initial" : { "editTweetIds" : [ "\#(id)" ] } },
            "retweeted" : false,
            "entities" : { "hashtags" : [ { "text" : "Swift", "indices" : [ "6", "12" ] } ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
            "display_text_range" : [ "0", "12" ],
            "favorite_count" : "\#(likes)",
            "id_str" : "\#(id)",
            "truncated" : false,
            "retweet_count" : "\#(reposts)",
            "id" : "\#(id)",
            "created_at" : "\#(date)",
            "favorited" : false,
            "full_text" : "\#(text)",
            "lang" : "en"\#(reply)
          }
        }
        """#
    }

    static func current(_ tweets: [String]) -> String {
        "window.YTD.tweets.part0 = [\n" + tweets.joined(separator: ",\n") + "\n]"
    }
}

@Suite final class XArchiveReaderTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory("x-archive") }

    deinit { directory.remove() }

    func read(_ entries: [(String, String)], asZip: Bool = true) throws -> Observation {
        let path: String
        if asZip {
            path = directory.file("archive.zip")
            try ZipFixture.make(at: path, entries: entries)
        } else {
            path = directory.file("unpacked")
            for (name, text) in entries { try directory.write("unpacked/\(name)", text) }
        }
        return try XArchiveReader().read(try ExportArchive(path: path), handle: "ana")
    }

    @Test func currentLayoutInZipWithStringNumbersEntitiesRetweetsAndReplies() throws {
        let observation = try read([
            ("data/account.js", XFixtures.account),
            ("data/tweets.js", XFixtures.current([
                XFixtures.tweet("1", text: "a &gt; b &amp; c &#39;ok&#39; \u{1F680}", likes: "12", reposts: "4"),
                XFixtures.tweet("2", text: "RT @other: not mine", likes: "0", reposts: "0"),
                XFixtures.tweet("3", text: "@bob yes", replyTo: ("99", "bob")),
                XFixtures.tweet("4", text: "2/ thread", replyTo: ("42", "ana")),
            ])),
            ("data/follower.js", #"window.YTD.follower.part0 = [ { "follower" : { "accountId" : "5", "userLink" : "https://twitter.com/intent/user?user_id=5" } }, { "follower" : { "accountId" : "6", "userLink" : "x" } } ]"#),
        ])
        #expect(observation.posts.count == 3)
        #expect(observation.skippedReposts == 1)
        #expect(observation.audience == 2)
        let byID = Dictionary(uniqueKeysWithValues: observation.posts.map { ($0.id, $0) })
        #expect(byID["1"]?.text == "a > b & c 'ok' \u{1F680}")
        #expect(byID["1"]?.counts == EngagementCounts(replies: nil, reposts: 4, likes: 12))
        #expect(byID["1"]?.kind == .original)
        #expect(byID["1"]?.tags == ["swift"])
        #expect(byID["1"]?.createdAt == Date(timeIntervalSince1970: 1_772_802_125))
        #expect(byID["3"]?.kind == .reply)
        #expect(byID["4"]?.kind == .selfReply)
        #expect(observation.unmeasurable[.conversation] != nil)
    }

    @Test func pre2022TweetJSWithoutWrapperNewlineOrStringNumbers() throws {
        let bare = #"{"id_str":"10","created_at":"Mon Jan 06 08:00:00 +0100 2020","full_text":"old","favorite_count":5,"retweet_count":2,"entities":{"hashtags":[]}}"#
        let observation = try read([("data/tweet.js", "window.YTD.tweet.part0 =[" + bare + "]")], asZip: false)
        #expect(observation.posts.count == 1)
        #expect(observation.posts[0].counts.likes == 5)
        #expect(observation.posts[0].counts.reposts == 2)
        #expect(observation.posts[0].createdAt == Date(timeIntervalSince1970: 1_578_294_000))
    }

    @Test func splitArchivesInAnyOrderUnderATopFolder() throws {
        let observation = try read([
            ("twitter-2026/data/tweets-part2.js", "window.YTD.tweets.part2 = [" + XFixtures.tweet("30") + "]"),
            ("twitter-2026/data/tweets.js", XFixtures.current([XFixtures.tweet("10")])),
            ("twitter-2026/data/tweets-part1.js", "window.YTD.tweets.part1 = [" + XFixtures.tweet("20") + "]"),
            ("twitter-2026/data/tweets_media/ignored.jpg", "binary"),
        ])
        #expect(observation.posts.map(\.id).sorted() == ["10", "20", "30"])
    }

    @Test func tweetFileNames() {
        for name in ["data/tweets.js", "data/tweet.js", "data/tweets-part1.js", "data/tweet-part12.js", "tweets.js"] {
            #expect(XArchiveReader.isTweetFile(name), "\(name)")
        }
        for name in ["data/tweetdeck.js", "data/tweets-partx.js", "data/tweets.json", "data/deleted-tweets.js", "data/tweets-part.js"] {
            #expect(!XArchiveReader.isTweetFile(name), "\(name)")
        }
    }

    @Test func recordCutMidwayNamesTheEntry() throws {
        let text = XFixtures.current([XFixtures.tweet("1"), XFixtures.tweet("2")])
        let error = #expect(throws: SourceError.self) {
            try read([("data/tweets.js", String(text.prefix(text.count - 60)))])
        }
        #expect(error?.entry == "data/tweets.js")
        #expect(error?.description.contains("malformed JSON") == true)
    }

    @Test func missingDateNamesRecordAndField() throws {
        let broken = XFixtures.tweet("2", date: "yesterday")
        let error = #expect(throws: SourceError.self) {
            try read([("data/tweets.js", XFixtures.current([XFixtures.tweet("1"), broken]))])
        }
        #expect(error?.record == 2)
        #expect(error?.field == "created_at")
    }

    @Test func archiveOfAnotherNetworkIsRefused() throws {
        let error = #expect(throws: SourceError.self) {
            try read([("your_instagram_activity/media/posts_1.json", "[]")])
        }
        #expect(error?.description.contains("not an X archive") == true)
    }
}
