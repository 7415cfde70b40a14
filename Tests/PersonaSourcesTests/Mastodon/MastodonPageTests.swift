import Foundation
import Testing
import TestSupport
@testable import PersonaSources

/// The Mastodon reader's pages through `JSONPage`: the same values `JSONDecoder` finds in
/// realistic statuses, and failures that name the record, the field and the byte.
@Suite struct MastodonPageTests {
    /// What `JSONDecoder` reads from a status: the reference the byte-level reader is held to.
    struct Reference: Decodable {
        var id: String
        var uri: String?
        var url: String?
        var created_at: String
        var in_reply_to_id: String?
        var in_reply_to_account_id: String?
        var replies_count: Int?
        var reblogs_count: Int?
        var favourites_count: Int?
        var quotes_count: Int?
        var reblog: Presence?
        var content: String?
        var tags: [Tag]?
        var account: Account?
        struct Tag: Decodable { var name: String }
        /// Any JSON value, kept only as present and not null.
        struct Presence: Decodable { init(from decoder: any Decoder) throws {} }
        struct Account: Decodable { var id: String; var followers_count: Int?; var statuses_count: Int?; var created_at: String? }
    }

    static let texts = ["<p>Hello <a href=\"https://m.example/@a\">@a</a> — café ☕️</p>", "", "line\nbreak \"quoted\" \\ back",
                        "<p>emoji 🧵 and \u{0007} control</p>", "plain"]

    /// A status as Mastodon writes one, newest first in a page: optional fields sometimes null and
    /// sometimes missing, heavy fields nobody reads (media, card, emojis, a nested account), boosts.
    static func status(_ random: inout SplitMix, index: Int) -> [String: Any] {
        var status: [String: Any] = ["id": String(113_000_000_000_000_000 - index * 7919), "created_at": "2026-11-\(10 + index % 18)T12:0\(index % 10):00.000Z",
                                     "visibility": "public", "sensitive": false, "spoiler_text": "", "language": "en",
                                     "media_attachments": [["id": "9", "type": "image", "meta": ["original": ["width": 640, "height": 480, "aspect": 1.3333]]]],
                                     "emojis": [], "mentions": [["id": "7", "acct": "a@m.example"]], "card": NSNull(), "poll": NSNull()]
        func maybe(_ key: String, _ value: Any) {
            switch Int.random(in: 0..<4, using: &random) {
            case 0: break // missing
            case 1: status[key] = NSNull()
            default: status[key] = value
            }
        }
        maybe("uri", "https://m.example/users/p/statuses/\(status["id"] ?? "")")
        maybe("url", "https://m.example/@p/\(status["id"] ?? "")")
        if Int.random(in: 0..<100, using: &random) < 40 {
            maybe("in_reply_to_id", String(Int.random(in: 0..<1_000_000, using: &random)))
            maybe("in_reply_to_account_id", String(Int.random(in: 0..<3, using: &random)))
        }
        // Overdispersed counts: mostly small, a few large.
        maybe("replies_count", Int.random(in: 0..<100, using: &random) < 10 ? Int.random(in: 0..<5000, using: &random) : Int.random(in: 0..<4, using: &random))
        maybe("reblogs_count", Int.random(in: 0..<100, using: &random) < 10 ? Int.random(in: 0..<20000, using: &random) : Int.random(in: 0..<6, using: &random))
        maybe("favourites_count", Int.random(in: 0..<100, using: &random) < 10 ? Int.random(in: 0..<90000, using: &random) : Int.random(in: 0..<30, using: &random))
        maybe("quotes_count", Int.random(in: 0..<3, using: &random))
        maybe("content", texts[Int.random(in: 0..<texts.count, using: &random)])
        if Int.random(in: 0..<100, using: &random) < 15 { status["reblog"] = ["id": "1", "content": "boosted", "account": ["id": "8"]] } else { maybe("reblog", 0) }
        maybe("tags", (0..<Int.random(in: 0..<4, using: &random)).map { ["name": ["Swift", "café", "Linux"][$0 % 3], "url": "https://m.example/tags/x"] })
        maybe("account", ["id": String(Int.random(in: 0..<3, using: &random)), "username": "p", "acct": "p", "display_name": "P ✨", "followers_count": Int.random(in: 0..<100_000, using: &random),
                          "statuses_count": Int.random(in: 0..<9000, using: &random), "created_at": "2020-01-0\(1 + Int.random(in: 0..<9, using: &random))T00:00:00.000Z",
                          "fields": [["name": "web", "value": "<a href=\"x\">x</a>", "verified_at": NSNull()]]])
        return status
    }

    @Test func pagesReadAsJSONDecoderReadsThem() throws {
        var random = SplitMix(state: 42) // the same statuses on every run
        var compared = 0, boosts = 0, nulls = 0
        for pageNumber in 0..<50 {
            var statuses: [[String: Any]] = []
            for offset in 0..<40 { statuses.append(Self.status(&random, index: pageNumber * 40 + offset)) }
            let body = try JSONSerialization.data(withJSONObject: statuses, options: pageNumber % 2 == 0 ? [.prettyPrinted] : [])
            let reference = try JSONDecoder().decode([Reference].self, from: body)
            let read = try JSONPage.read(body, location: "page \(pageNumber)") { page throws(JSONPage.Failure) in
                try MastodonAPIReader.Status.page(&page)
            }
            try #require(read.count == reference.count)
            for (mine, theirs) in zip(read, reference) {
                #expect(mine.id == theirs.id)
                #expect(mine.uri == theirs.uri)
                #expect(mine.url == theirs.url)
                #expect(mine.created_at == theirs.created_at)
                #expect(mine.in_reply_to_id == theirs.in_reply_to_id)
                #expect(mine.in_reply_to_account_id == theirs.in_reply_to_account_id)
                #expect(mine.replies_count == theirs.replies_count)
                #expect(mine.reblogs_count == theirs.reblogs_count)
                #expect(mine.favourites_count == theirs.favourites_count)
                #expect(mine.quotes_count == theirs.quotes_count)
                #expect(mine.reblog == (theirs.reblog != nil))
                #expect(mine.content == theirs.content)
                let tags: [String]? = theirs.tags.map { $0.map { (tag: Reference.Tag) in tag.name } }
                #expect(mine.tags == tags)
                #expect(mine.account?.id == theirs.account?.id)
                #expect(mine.account?.followers_count == theirs.account?.followers_count)
                #expect(mine.account?.statuses_count == theirs.account?.statuses_count)
                #expect(mine.account?.created_at == theirs.account?.created_at)
                compared += 1
                if mine.reblog { boosts += 1 }
                if mine.replies_count == nil { nulls += 1 }
            }
        }
        #expect(compared == 2000)
        // The generator must have made what it claims: boosts and missing counts among them.
        #expect(boosts > 100 && nulls > 200)
    }

    func failure(_ json: String) -> SourceError? {
        do {
            _ = try JSONPage.read(Data(json.utf8), location: "https://m.example/api/v1/accounts/1/statuses") { page throws(JSONPage.Failure) in
                try MastodonAPIReader.Status.page(&page)
            }
            return nil
        } catch {
            return error
        }
    }

    @Test func failuresNameTheRecordFieldAndByte() throws {
        let good = #"{"id":"1","created_at":"2026-11-01T00:00:00Z","replies_count":2}"#
        let countAsText = try #require(failure("[\(good),\(good),{\"id\":\"3\",\"created_at\":\"x\",\"replies_count\":\"7\"}]"))
        #expect(countAsText.record == 3 && countAsText.field == "replies_count")
        #expect(countAsText.detail.hasPrefix("expected a number (byte "))

        let missingID = try #require(failure("[\(good),{\"created_at\":\"2026-11-01T00:00:00Z\"}]"))
        #expect(missingID.record == 2 && missingID.field == "id" && missingID.detail.hasPrefix("missing"))

        let nestedMissing = try #require(failure(#"[{"id":"1","created_at":"c","account":{"acct":"a"}}]"#))
        #expect(nestedMissing.record == 1 && nestedMissing.field == "account.id")

        let fraction = try #require(failure(#"[{"id":"1","created_at":"c","favourites_count":2.5}]"#))
        #expect(fraction.field == "favourites_count" && fraction.detail.contains("whole number"))
        #expect(failure(#"[{"id":"1","created_at":"c","favourites_count":2.0}]"#) == nil) // JSON's other spelling of 2

        let cut = try #require(failure("[\(good),{\"id\":\"2\",\"content\":\"<p>half"))
        #expect(cut.record == 2 && cut.detail.contains("malformed JSON"))

        let trailing = try #require(failure("[\(good)] <html>"))
        #expect(trailing.record == nil && trailing.detail.hasPrefix("unexpected bytes after the JSON value (byte \(good.utf8.count + 3))"))

        let html = try #require(failure("<!DOCTYPE html><html>rate limited</html>"))
        #expect(html.detail.contains("malformed JSON") && html.detail.contains("(byte 0)"))
        #expect(try #require(failure("  ")).detail.hasPrefix("an empty body"))
        let badLiteral = try #require(failure(#"[{"id":"1","created_at":"c","reblog":nul}]"#))
        #expect(badLiteral.field == "reblog")
        #expect(failure(#"[]"#) == nil)
        #expect(failure(#"[{"id":2,"created_at":"c","in_reply_to_id":17}]"#) == nil) // numeric ids, as some servers send
        #expect(countAsText.description.contains("record 3: field 'replies_count'"))
    }
}
