import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaSources

/// Documents built to exhaust a parser: each is refused with an error, never a crash.
@Suite struct HostileInputTests {
    static let depth = 200_000
    static var deepArray: Data { Data((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8) }

    @Test func aDeeplyNestedAPIPageIsAnError() throws {
        var mastodon = MastodonAPIReader().makePoll(PollContext(url: "https://social.example", handle: "ana", windowStart: .distantPast,
                                                                memo: ["account_id": "1"]))
        let next = mastodon.nextRequest()
        let request = try #require(next)
        #expect(throws: SourceError.self) {
            try mastodon.receive(SourceResponse(url: request.url, status: 200, headers: [:], body: Self.deepArray))
        }
    }

    @Test func aDeeplyNestedFeedIsRefusedOrEmptyNeverACrash() {
        let json = Data((#"{"version": "https://jsonfeed.org/version/1.1", "items": "# + String(repeating: "[", count: Self.depth)
            + String(repeating: "]", count: Self.depth) + "}").utf8)
        #expect(throws: SourceError.self) { try FeedReader().read(json, location: "https://blog.example/feed.json", handle: "ana") }
        let xml = Data(("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>" + String(repeating: "<a>", count: Self.depth)
            + String(repeating: "</a>", count: Self.depth) + "</channel></rss>").utf8)
        // XML: libxml2 (under Foundation's XMLParser) walks it without a crash; the unknown elements
        // hold no item. (A depth limit with its own message comes with the streaming reader, #13.)
        let posts = try? FeedReader().read(xml, location: "https://blog.example/feed.xml", handle: "ana").posts
        #expect(posts?.isEmpty ?? true)
    }

    @Test func aDeeplyNestedExportFileIsAnError() throws {
        let directory = try TemporaryDirectory("hostile")
        defer { directory.remove() }
        let path = directory.file("x.zip")
        try ZipFixture.make(at: path, entries: [
            ("data/tweets.js", "window.YTD.tweets.part0 = " + String(repeating: "[", count: Self.depth) + String(repeating: "]", count: Self.depth)),
        ])
        #expect(throws: SourceError.self) { try XArchiveReader().read(try ExportArchive(path: path), handle: "ana") }
    }
}
