import FlyingFox
import Foundation
import Testing
import TestSupport

/// A blog persona fed by a loopback HTTP server, run through `personad --once`: the real binary,
/// real libcurl, the real store and real snapshot files.
@Suite(.serialized) struct FeedSourceTests {
    struct ServerState: Sendable {
        var body = FeedSourceTests.goodFeed
        var requests = 0
        var conditionalRequests = 0
        var notModified = 0
    }

    static let goodFeed = feed(commentsPerIndex: 2)

    /// Twelve articles in June 2026; article n has `n × commentsPerIndex` comments.
    static func feed(commentsPerIndex: Int) -> String {
        let items = (1...12).map { index -> String in
            """
            <item><title>Post \(index)</title><link>https://blog.example.org/\(index)</link>
            <pubDate>Mon, \(index < 10 ? "0" : "")\(index) Jun 2026 10:00:00 +0000</pubDate><category>swift</category>
            <slash:comments>\(index * commentsPerIndex)</slash:comments></item>
            """
        }.joined(separator: "\n")
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel><title>t</title>
            \(items)
            </channel></rss>
            """
    }

    func serve(_ state: Locked<ServerState>) async throws -> LoopbackServer {
        try await LoopbackServer.start { server in
            await server.appendRoute("GET /feed.xml") { request in
                let (body, etag) = state.withLock { state -> (String, String) in
                    state.requests += 1
                    return (state.body, "\"\(state.body.hashValue)\"")
                }
                if let match = request.headers[HTTPHeader("If-None-Match")] {
                    state.withLock { $0.conditionalRequests += 1 }
                    if match == etag {
                        state.withLock { $0.notModified += 1 }
                        return HTTPResponse(statusCode: .notModified, headers: HTTPHeaders([HTTPHeader("ETag"): etag]))
                    }
                }
                var headers = HTTPHeaders([HTTPHeader("ETag"): etag, HTTPHeader("Content-Type"): "application/rss+xml"])
                var data = Data(body.utf8)
                if (request.headers[HTTPHeader("Accept-Encoding")] ?? "").contains("gzip") {
                    data = try gzipped(data)
                    headers[HTTPHeader("Content-Encoding")] = "gzip"
                }
                return HTTPResponse(statusCode: .ok, headers: headers, body: data)
            }
        }
    }

    /// One blog persona, `blog-one`, fed by `feed`; state under `directory`. Returns the file's path.
    static func configuration(in directory: TemporaryDirectory, feed: String) throws -> String {
        try directory.write("personad.toml", """
            [daemon]
            state_directory = "\(directory.path)/state"
            [scoring]
            window = "3650d"
            [[persona]]
            id = "blog-one"
            network = "blog"
            handle = "one"
              [[persona.source]]
              kind = "feed"
              url = "\(feed)"
            """)
    }

    @Test func goodFeedThen304ThenMalformedKeepsTheLastGoodScoreMarkedStale() async throws {
        let state = Locked(ServerState())
        let server = try await serve(state)
        defer { Task { await server.stop() } }
        let directory = try TemporaryDirectory("feed-it")
        defer { directory.remove() }
        let url = server.url("/feed.xml")
        let config = try Self.configuration(in: directory, feed: url)
        let snapshotPath = directory.file("state/snapshots/blog-one.json")
        func snapshot() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: snapshotPath))) as? [String: Any])
        }
        let validator = try JSONSchemaValidator(schemaAt: TestPaths.snapshotSchema)

        // 1. 200 (gzip): scored from the feed's comment counts.
        let (status, output) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(status == 0, "\(output)")
        try validator.validate(fileAt: snapshotPath)
        let first = try snapshot()
        let score = try #require(first["score"] as? [String: Any])
        #expect(score["status"] as? String == "ok")
        let value = try #require(score["value"] as? Double)
        let components = try #require(score["components"] as? [[String: Any]])
        let conversation = try #require(components.first { $0["name"] as? String == "conversation" })
        #expect(conversation["measured"] as? Bool == true)
        // The 10% trimmed mean of 2, 4, …, 24 is 13 (the mean of 6 … 20); shrunk by 6 posts at the
        // blog's typical 1 reply: (12 × 13 + 6 × 1) / 18 = 9.
        #expect(conversation["raw"] as? Double == 9)
        #expect((conversation["reason"] as? String)?.contains("over 12 originals: 13;") == true)
        #expect(components.first { $0["name"] as? String == "applause" }?["measured"] as? Bool == false)

        // 2. Unchanged: a conditional GET answered 304, the score stands.
        let (status2, output2) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(status2 == 0, "\(output2)")
        #expect(state.value.notModified == 1)
        #expect(((try snapshot())["score"] as? [String: Any])?["status"] as? String == "ok")

        // 3. Malformed: a clear error naming the URL and the line, the last good score kept, stale.
        state.withLock { $0.body = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>\n<item><title>cut"  }
        let (status3, output3) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(status3 == 1)
        #expect(output3.contains(url) && output3.contains("malformed XML") && output3.contains("line 3"), "\(output3)")
        try validator.validate(fileAt: snapshotPath)
        let stale = try snapshot()
        let staleScore = try #require(stale["score"] as? [String: Any])
        #expect(staleScore["status"] as? String == "stale")
        #expect(staleScore["value"] as? Double == value)
        let sources = try #require(stale["sources"] as? [[String: Any]])
        #expect((sources.first?["last_error"] as? String)?.contains("malformed XML") == true)
        #expect(sources.first?["last_success"] is String)

        // 4. Fixed again: the failed read's validators were not kept, so the feed is fetched in full.
        state.withLock { $0.body = FeedSourceTests.goodFeed }
        let before = state.value.notModified
        let (status4, _) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(status4 == 0)
        #expect(state.value.notModified == before)
        #expect(((try snapshot())["score"] as? [String: Any])?["status"] as? String == "ok")
    }

    /// What the reader repaired or skipped is in the source's `notes`, in the log once, in
    /// `personactl explain`; a 304 keeps the notes of the read it confirms, a clean read clears them.
    @Test func readNotesReachTheSnapshotTheLogAndExplain() async throws {
        let state = Locked(ServerState())
        state.withLock {
            $0.body = FeedSourceTests.goodFeed.replacingOccurrences(of: "<title>Post 3</title>", with: "<title>Fish & chips</title>")
                .replacingOccurrences(of: "</channel>", with: "<item><title>undated</title><link>https://blog.example.org/u</link></item></channel>")
        }
        let server = try await serve(state)
        defer { Task { await server.stop() } }
        let directory = try TemporaryDirectory("feed-notes")
        defer { directory.remove() }
        let config = try Self.configuration(in: directory, feed: server.url("/feed.xml"))
        let snapshotPath = directory.file("state/snapshots/blog-one.json")
        func notes() throws -> [String]? {
            let snapshot = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: snapshotPath))) as? [String: Any]
            return (snapshot?["sources"] as? [[String: Any]])?.first?["notes"] as? [String]
        }
        let expected = ["1 of 13 items skipped: 1 without a date", "1 bare '&' read as '&amp;'"]
        let (status, output) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(status == 0, "\(output)")
        #expect(try notes() == expected)
        #expect(output.contains("persona blog-one: \(server.url("/feed.xml")): read with notes: 1 of 13 items skipped"), "\(output)")
        try JSONSchemaValidator(schemaAt: TestPaths.snapshotSchema).validate(fileAt: snapshotPath)
        let (code, explained) = try await DaemonProcess.run(["explain", "blog-one", "--config", config], executable: "personactl")
        #expect(code == 0, "\(explained)")
        #expect(explained.contains("read with a note: 1 bare '&' read as '&amp;'"), "\(explained)")

        let (status2, _) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(status2 == 0)
        #expect(state.value.notModified == 1)
        #expect(try notes() == expected)

        state.withLock { $0.body = FeedSourceTests.goodFeed }
        let (status3, _) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(status3 == 0)
        #expect(try notes() == [])
    }

    @Test func personactlExplainTellsEveryComponentAndWhatMoved() async throws {
        let state = Locked(ServerState())
        let server = try await serve(state)
        defer { Task { await server.stop() } }
        let directory = try TemporaryDirectory("feed-explain")
        defer { directory.remove() }
        let config = try Self.configuration(in: directory, feed: server.url("/feed.xml"))
        let (status, output) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(status == 0, "\(output)")
        let (code, first) = try await DaemonProcess.run(["explain", "blog-one", "--config", config], executable: "personactl")
        #expect(code == 0, "\(first)")
        #expect(first.contains("blog-one: one on blog"))
        #expect(first.contains("12 own posts (12 originals, 0 replies to others; 0 self-replies left out)"), "\(first)")
        #expect(first.contains("conversation"))
        #expect(first.contains("10% trimmed mean of replies by others per original post, over 12 originals: 13;"), "\(first)")
        #expect(first.contains("(12 × 13 + 6 × 1) / 18 = 9; S(9, 1) = 90"), "\(first)")
        #expect(first.contains("9 maps to 90 of 100 (1 would score 50 on blog"), "\(first)")
        #expect(first.contains("Sum: "), "\(first)")
        #expect(first.contains("amplification: feeds publish no share or repost counts"))
        #expect(first.contains("responsiveness: a feed lists only the author's own articles"))
        // One topic only: compared with the blog network's typical response by a sign test.
        #expect(first.contains("swift: 12 posts (100%), EXPERTISE"), "\(first)")
        #expect(first.contains("test: sign test, 12 originals on the topic"), "\(first)")
        #expect(first.contains("What moved: this is the first score"))

        // --posts: every post as counted, and the sums a reader can redo by hand.
        let (postsCode, listing) = try await DaemonProcess.run(["explain", "blog-one", "--posts", "--config", config], executable: "personactl")
        #expect(postsCode == 0, "\(listing)")
        #expect(listing.contains("Posts as counted, newest first"), "\(listing)")
        // ⌈10% of 12⌉ = 2 trimmed from each end: 2, 4 and 22, 24.
        #expect(listing.contains("24 → 24*") && listing.contains("22 → 22*") && listing.contains("4 → 4*") && listing.contains("2 → 2*"), "\(listing)")
        #expect(listing.contains("replies: 12 originals, 4 trimmed, the other 8 sum to 104: trimmed mean 13"), "\(listing)")
        #expect(listing.contains("depth: 12 of 12 originals"), "\(listing)")

        state.withLock { $0.body = FeedSourceTests.feed(commentsPerIndex: 0) }
        let (status2, output2) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(status2 == 0, "\(output2)")
        let (_, second) = try await DaemonProcess.run(["explain", "blog-one", "--config", config], executable: "personactl")
        #expect(second.contains("What moved since"), "\(second)")
        #expect(second.contains("conversation -"), "\(second)")
        #expect(second.contains("(value 90.0 → "), "\(second)")
    }

    @Test func unreachableFeedWithNoHistoryIsAnErrorWithoutANumber() async throws {
        let directory = try TemporaryDirectory("feed-down")
        defer { directory.remove() }
        let config = try directory.write("personad.toml", """
            [daemon]
            state_directory = "\(directory.path)/state"
            [[persona]]
            id = "down"
            network = "blog"
            handle = "down"
              [[persona.source]]
              kind = "feed"
              url = "http://127.0.0.1:1/feed.xml"
            """)
        let (status, output) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(status == 1)
        #expect(output.contains("http://127.0.0.1:1/feed.xml"))
        let path = directory.file("state/snapshots/down.json")
        try JSONSchemaValidator(schemaAt: TestPaths.snapshotSchema).validate(fileAt: path)
        let snapshot = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let score = try #require(snapshot["score"] as? [String: Any])
        #expect(score["status"] as? String == "error")
        #expect(score["value"] is NSNull)
    }
}
