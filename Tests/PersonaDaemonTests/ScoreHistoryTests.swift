import Foundation
import Logging
import PersonaModel
import PersonaScoring
import PersonaStore
import Testing
import TestSupport
@testable import PersonaDaemon
import PersonaSnapshots

/// The score history: a new formula recomputes it rather than splicing onto it, and each
/// snapshot carries the score before its last change, so "what moved" can be told.
@Suite(.serialized) struct ScoreHistoryTests {
    /// Twenty articles, one every two days (1, 3, … 39 days old), each with `comments` comments.
    static func feed(comments: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let items = (0..<20).map { index -> String in
            let date = Date().addingTimeInterval(-Double(index * 2 + 1) * 86400)
            return """
                <item><title>Post \(index)</title><link>https://blog.example.org/\(index)</link><guid>post-\(index)</guid>
                <pubDate>\(formatter.string(from: date))</pubDate><category>swift</category>
                <slash:comments>\(comments)</slash:comments></item>
                """
        }.joined(separator: "\n")
        return """
            <?xml version="1.0"?><rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel><title>t</title>
            \(items)
            </channel></rss>
            """
    }

    func harness(_ server: FixtureServer) throws -> Harness {
        try Harness(server: server, window: "90d") { config, base in
            config
                .persona("blog", network: "blog", handle: "blog", sources: [("kind", "feed"), ("url", "\(base)/feed.xml")])
        }
    }

    func cycle(_ harness: Harness) throws -> Cycle {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return Cycle(store: harness.store, engine: harness.engine,
                     writer: try SnapshotWriter(directory: harness.configuration.snapshotDirectory), logger: logger)
    }

    @Test func aFormulaChangeRecomputesTheHistoryInsteadOfSplicingOntoIt() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/feed.xml", xml: Self.feed(comments: 3))
        let harness = try harness(server)
        #expect(try await harness.refresh().error == nil)
        let persona = harness.persona.id
        // A history written by formula 0, one entry a week for three weeks.
        let now = Date().timeIntervalSince1970.rounded(.down) // whole seconds survive the store exactly
        let points = [21.0, 14, 7].map { Date(timeIntervalSince1970: now - $0 * 86400) }
        for (index, point) in points.enumerated() {
            let old = Score(value: Double(40 + index), status: .ok, formulaVersion: "0", windowStart: point.addingTimeInterval(-90 * 86400),
                            windowEnd: point, components: [], sample: Sample(posts: 5, interactions: 5), topics: Topics())
            try harness.store.recordScore(old, persona: persona, generatedAt: point)
        }
        try cycle(harness).history.run(configuration: harness.configuration)

        #expect(try harness.store.historyPoints(otherThan: ScoreModel.formulaVersion).isEmpty)
        let history = try harness.store.scoreHistory(persona: persona)
        #expect(!history.isEmpty && history.allSatisfy { $0.score.formulaVersion == ScoreModel.formulaVersion })
        // Each point is scored as of its own time, from the posts made by then: 21 days ago the
        // articles 21 … 39 days old (10), 14 days ago 15 … 39 (13), 7 days ago 7 … 39 (17).
        let expected = [points[0]: 10, points[1]: 13, points[2]: 17]
        let oldest = try #require(history.first)
        #expect(oldest.generatedAt == points[0])
        for entry in history {
            #expect(entry.score.window.end == entry.generatedAt)
            #expect(entry.score.sample.posts == expected[entry.generatedAt])
            #expect(entry.score.value != nil)
        }
        // What `previous` reads: each component's points, from plain columns.
        let latest = try #require(try harness.store.recentHistory(persona: persona, limit: 1).first)
        #expect(latest.components.map(\.name) == ["conversation", "responsiveness", "amplification", "applause", "depth",
                                                  "consistency", "recognition", "audience"])
        #expect(latest.value == history.last?.score.value)
        #expect(latest.components.first?.normalized == history.last?.score.components.first?.normalized)
    }

    @Test func eachSnapshotCarriesThePreviousScoreForWhatMoved() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/feed.xml", xml: Self.feed(comments: 1))
        let harness = try harness(server)
        let cycle = try cycle(harness)
        let path = harness.configuration.snapshotDirectory + "/blog.json"
        func snapshot() throws -> PersonaSnapshot {
            try SnapshotCoding.decoder().decode(PersonaSnapshot.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        }

        _ = await cycle.run(Scheduler.jobs(of: harness.configuration), configuration: harness.configuration, heartbeat: nil)
        let first = try snapshot()
        let firstValue = try #require(first.score.value)
        #expect(first.score.previous == nil)

        server.set("/feed.xml", xml: Self.feed(comments: 6))
        _ = await cycle.run(Scheduler.jobs(of: harness.configuration), configuration: harness.configuration, heartbeat: nil)
        let second = try snapshot()
        let previous = try #require(second.score.previous)
        #expect(previous.value == firstValue)
        #expect(try #require(second.score.value) > firstValue)
        let conversationBefore = try #require(previous.components.first { $0.name == "conversation" }?.normalized)
        let conversationNow = try #require(second.score.components.first { $0.name == "conversation" }?.normalized)
        #expect(conversationNow > conversationBefore)

        // Unchanged data: the previous score stays the one before the last change.
        _ = await cycle.run(Scheduler.jobs(of: harness.configuration), configuration: harness.configuration, heartbeat: nil)
        #expect(try snapshot().score.previous?.value == firstValue)
        try JSONSchemaValidator(schemaAt: TestPaths.snapshotSchema).validate(fileAt: path)
    }
}
