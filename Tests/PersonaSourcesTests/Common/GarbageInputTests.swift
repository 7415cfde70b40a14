import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaSources

/// Bad input never crashes a reader: random bytes, and valid documents cut at every few bytes,
/// give a result or a `SourceError`, nothing else.
@Suite struct GarbageInputTests {

    static let documents: [String] = [
        #"<?xml version="1.0"?><rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel><item><title>a &amp; b</title><link>https://e.example/1</link><pubDate>Mon, 01 Jun 2026 10:00:00 +0000</pubDate><slash:comments>3</slash:comments></item></channel></rss>"#,
        #"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><published>2026-01-01T00:00:00Z</published><link rel="replies" href="x" thr:count="2" xmlns:thr="http://purl.org/syndication/thread/1.0"/></entry></feed>"#,
        #"{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","content_text":"x","date_published":"2026-01-01T00:00:00Z","tags":["a"]}]}"#,
    ]

    static let apiPages: [String] = [
        #"[{"id":"1","uri":"u","created_at":"2026-01-01T00:00:00.000Z","in_reply_to_id":null,"replies_count":1,"reblogs_count":2,"favourites_count":3,"reblog":null,"tags":[{"name":"x"}]}]"#,
        #"{"cursor":"c","feed":[{"post":{"uri":"at://did:plc:a/app.bsky.feed.post/1","author":{"did":"did:plc:a"},"record":{"text":"t","createdAt":"2026-01-01T00:00:00Z"},"likeCount":2}}]}"#,
        #"{"kind":"Listing","data":{"after":null,"children":[{"kind":"t3","data":{"id":"a","created_utc":1700000000,"score":3,"num_comments":1}}]}}"#,
    ]

    /// What the readers made of the inputs: a result, or a `SourceError` (typed throws: nothing else
    /// can come out). Both must occur, or the inputs did not test what they should.
    struct Tally {
        var read = 0
        var refused = 0
        var total: Int { read + refused }

        mutating func count<T>(_ body: () throws(SourceError) -> T) {
            do {
                _ = try body()
                read += 1
            } catch {
                #expect(!error.description.isEmpty)
                refused += 1
            }
        }
    }

    func feed(_ bytes: Data, _ tally: inout Tally) {
        tally.count { () throws(SourceError) in try FeedReader().read(bytes, location: "garbage", handle: "h") }
        tally.count { () throws(SourceError) in try YouTubeFeedReader().read(bytes, location: "garbage", handle: "h") }
    }

    func api(_ bytes: Data, _ tally: inout Tally) {
        for reader in [MastodonAPIReader() as any RemoteReader, BlueskyAPIReader(), RedditAPIReader()] {
            var poll = reader.makePoll(PollContext(url: "http://127.0.0.1:1", handle: "h", windowStart: .distantPast, memo: ["account_id": "1"]))
            var steps = 0
            while let request = poll.nextRequest(), steps < 4 {
                steps += 1
                do throws(SourceError) {
                    try poll.receive(SourceResponse(url: request.url, status: 200, headers: ["link": "<http://x>; rel=\"next\""], body: bytes))
                    tally.read += 1
                } catch {
                    tally.refused += 1
                    break
                }
            }
        }
    }

    /// More rounds with `PERSONAD_FUZZ_ROUNDS=N` (the default keeps the suite fast).
    static let rounds = Int(ProcessInfo.processInfo.environment["PERSONAD_FUZZ_ROUNDS"] ?? "") ?? 100

    @Test func randomBytesAndTruncatedDocuments() {
        var random = SplitMix(state: 20261127)
        var tally = Tally()
        for _ in 0..<(3 * Self.rounds) {
            let count = Int.random(in: 0...600, using: &random)
            let bytes = Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) })
            feed(bytes, &tally)
            api(bytes, &tally)
        }
        for document in Self.documents {
            let data = Data(document.utf8)
            for cut in stride(from: 0, through: data.count, by: 3) { feed(data.prefix(cut), &tally) }
            // Bytes flipped at random places.
            for _ in 0..<Self.rounds {
                var copy = data
                copy[Int.random(in: 0..<copy.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                feed(copy, &tally)
            }
        }
        for page in Self.apiPages {
            let data = Data(page.utf8)
            for cut in stride(from: 0, through: data.count, by: 3) { api(data.prefix(cut), &tally) }
        }
        #expect(tally.total >= 6 * Self.rounds, "only \(tally.total) inputs were read")
        #expect(tally.read > 0 && tally.refused > 0, "read \(tally.read), refused \(tally.refused): the inputs test one side only")
    }

    @Test func exportsWithGarbageEntries() throws {
        let directory = try TemporaryDirectory("garbage-export")
        defer { directory.remove() }
        var random = SplitMix(state: 7)
        let names = ["data/tweets.js", "data/account.js", "outbox.json", "actor.json", "posts.csv", "comments.csv",
                     "your_facebook_activity/posts/your_posts_1.json", "comments_and_reactions/comments.json",
                     "your_instagram_activity/media/posts_1.json", "connections/followers_and_following/followers_1.json",
                     "Shares.csv", "messages.csv", "Connections.csv", "Invitations.csv"]
        let readers: [any ExportReader] = [XArchiveReader(), MastodonExportReader(), RedditExportReader(), FacebookExportReader(),
                                           InstagramExportReader(), LinkedInExportReader()]
        var tally = Tally()
        for round in 0..<max(10, Self.rounds / 3) {
            let root = "r\(round)"
            for name in names {
                let count = Int.random(in: 0...300, using: &random)
                let prefix = name.hasSuffix(".csv") ? "Date,id,date,Message,Connected On\n" : (name.hasSuffix(".js") ? "window.YTD.x.part0 = [" : "[")
                var bytes = Data(prefix.utf8)
                bytes.append(Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }))
                try FileManager.default.createDirectory(atPath: (directory.file("\(root)/\(name)") as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try bytes.write(to: URL(fileURLWithPath: directory.file("\(root)/\(name)")))
            }
            let archive = try ExportArchive(path: directory.file(root))
            for reader in readers { tally.count { () throws(SourceError) in try reader.read(archive, handle: "h") } }
        }
        #expect(tally.total == readers.count * max(10, Self.rounds / 3))
        #expect(tally.refused > 0, "no garbage export was refused")
    }
}
