import Foundation
import Logging
import PersonaModel
import PersonaStore
import Testing
import TestSupport
@testable import PersonaDaemon
import PersonaSnapshots

/// What a cycle reads and when it hands its sources back.
@Suite(.serialized) struct CycleTests {
    /// A cycle reads the states of its personas' sources only, yet a snapshot still shows every
    /// source of its persona: those not read in this cycle as they were left.
    @Test func aCycleOverOneSourceReadsItsPersonasStatesAndShowsEverySource() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        for name in ["a", "b", "c"] { server.set("/\(name).xml", xml: ScoreHistoryTests.feed(comments: 2)) }
        let harness = try Harness(server: server, window: "90d") { config, base in
            config
                .persona("blog", network: "blog", handle: "blog", sources: [("kind", "feed"), ("url", "\(base)/a.xml")],
                         [("kind", "feed"), ("url", "\(base)/b.xml")])
                .persona("other", network: "blog", handle: "other", sources: [("kind", "feed"), ("url", "\(base)/c.xml")])
        }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let cycle = Cycle(store: harness.store, engine: harness.engine,
                          writer: try SnapshotWriter(directory: harness.configuration.snapshotDirectory), logger: logger)
        let jobs = Scheduler.jobs(of: harness.configuration)
        #expect(jobs.count == 3)
        let first = await cycle.run(jobs, configuration: harness.configuration, heartbeat: nil)
        #expect(first.failures.isEmpty && first.states.count == 3)
        let blog = harness.configuration.personas[0]
        let keyB = SourceRefresh.key(blog, blog.sources[1])
        let stateB = try #require(try harness.store.sourceState(key: keyB))

        // Only source a is due; its feed changed, so its persona is scored again.
        server.set("/a.xml", xml: ScoreHistoryTests.feed(comments: 5))
        let second = await cycle.run([jobs[0]], configuration: harness.configuration, heartbeat: nil)
        #expect(second.failures.isEmpty)
        #expect(Set(second.states.keys) == Set(blog.sources.map { SourceRefresh.key(blog, $0) }), "not the other persona's")
        #expect(second.entries.map(\.id) == ["blog"])
        let file = (harness.configuration.snapshotDirectory as NSString).appendingPathComponent("blog.json")
        let snapshot = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any]
        let sources = try #require(snapshot?["sources"] as? [[String: Any]])
        #expect(sources.count == 2)
        let shownB = try #require(sources.first { ($0["location"] as? String)?.hasSuffix("/b.xml") == true })
        #expect(shownB["status"] as? String == "ok")
        let lastSuccess = try #require(shownB["last_success"] as? String)
        let written = try #require(stateB.lastSuccess)
        #expect(abs((ISO8601DateFormatter().date(from: lastSuccess) ?? .distantPast).timeIntervalSince(written)) < 1,
                "b's state as the first cycle left it: \(lastSuccess)")
    }

    /// A source finished early is handed back (progress) only once its persona's snapshot is
    /// written: handed back while the pass ran, a SIGUSR1 could read it again and have its persona
    /// scored by two passes at once. (The slow source takes 5 s: flushes come every second, so the
    /// fast one is handed back before it, even on a loaded machine.)
    @Test func aSourceIsHandedBackOnlyAfterItsPersonasSnapshotIsWritten() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/fast.xml", xml: ScoreHistoryTests.feed(comments: 2))
        server.set("/slow.xml", FixtureServer.Reply(headers: ["Content-Type": "application/rss+xml"],
                                                    body: Data(ScoreHistoryTests.feed(comments: 1).utf8), delay: .seconds(5)))
        let harness = try Harness(server: server, window: "90d") { config, base in
            config
                .persona("fast", network: "blog", handle: "fast", sources: [("kind", "feed"), ("url", "\(base)/fast.xml")])
                .persona("slow", network: "blog", handle: "slow", sources: [("kind", "feed"), ("url", "\(base)/slow.xml")])
        }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let cycle = Cycle(store: harness.store, engine: harness.engine,
                          writer: try SnapshotWriter(directory: harness.configuration.snapshotDirectory), logger: logger)
        let directory = harness.configuration.snapshotDirectory
        // For each source handed back before the end: whether its persona's snapshot was on disk then.
        let handedBack = Locked<[(key: String, written: Bool)]>([])
        let last = await cycle.run(Scheduler.jobs(of: harness.configuration), configuration: harness.configuration, heartbeat: nil) { report in
            for outcome in report.outcomes where report.released.contains(outcome.key) {
                let file = (directory as NSString).appendingPathComponent("\(outcome.persona.rawValue).json")
                handedBack.withLock { $0.append((outcome.key, FileManager.default.fileExists(atPath: file))) }
            }
        }
        let early = handedBack.withLock { $0 }
        #expect(early.count == 1, "the fast source is handed back before the slow one ends: \(early)")
        let allWritten = early.allSatisfy { $0.written }
        #expect(allWritten, "handed back before its persona's snapshot was written: \(early)")
        #expect(last.outcomes.map(\.persona.rawValue) == ["slow"])
        let slowFile = (directory as NSString).appendingPathComponent("slow.json")
        #expect(FileManager.default.fileExists(atPath: slowFile))
    }
}
