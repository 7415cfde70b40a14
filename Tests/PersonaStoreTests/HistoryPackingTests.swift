import Foundation
import GRDB
import PersonaModel
import PersonaSnapshots
import Testing
import TestSupport
@testable import PersonaStore

/// History entries are stored deflated, without evidence, their interval in columns of its own; a
/// store written before (v5, the entry as JSON text) is migrated with every entry readable.
@Suite struct HistoryPackingTests {
    let persona = PersonaID(rawValue: "ana-x")!

    /// A score as formula 2 writes it: components with reasons and evidence, an interval, topics.
    static func score(_ value: Double) -> Score {
        let evidence = (0..<5).map { Evidence(postId: "x:\(1_800_000_000_000 + $0)", url: "https://x.com/ana/status/\($0)", count: 30 - $0,
                                              detail: "replies by others") }
        let components = ["conversation", "responsiveness", "amplification", "applause", "depth"].enumerated().map { index, name in
            Component(name: name, raw: 3.951388888888889 + Double(index), normalized: 79.80364656381485 - Double(index), weight: 0.2,
                      contribution: 15.960729312762971, measured: true,
                      reason: "10% trimmed mean of \(name) by others per original post, over 30 originals: 4.54; shrunk toward the network's typical post by 6 posts at 1",
                      evidence: evidence, factor: 1, interval: Interval(low: 67.8, high: 91.7))
        }
        return Score(value: value, status: .ok, formulaVersion: "2", windowStart: Date(timeIntervalSince1970: 1_780_000_000),
                     windowEnd: Date(timeIntervalSince1970: 1_787_776_000), components: components,
                     sample: Sample(posts: 36, interactions: 898, originals: 30), topics: Topics(), coverage: 0.556,
                     interval: Interval(low: value - 8, high: value + 6))
    }

    @Test func anEntryIsStoredDeflatedWithoutEvidenceAndReadsBack() throws {
        let directory = try TemporaryDirectory("packing")
        defer { directory.remove() }
        let store = try Store(path: directory.file("personad.sqlite"))
        let score = Self.score(71.5)
        try store.recordScore(score, persona: persona, generatedAt: Date(timeIntervalSince1970: 1_787_776_000))
        let json = SnapshotJSON.encodeHistory(score)
        let stored = try #require(try store.pool.read { db in try Data.fetchOne(db, sql: "SELECT score FROM score_history") })
        #expect(stored.count * 3 < json.count, "deflated \(json.count) bytes to \(stored.count)")
        let history = try store.scoreHistory(persona: persona)
        let read = try #require(history.first?.score)
        #expect(read.value == 71.5)
        #expect(read.components.map(\.name) == score.components.map(\.name))
        #expect(read.components.allSatisfy { $0.evidence.isEmpty && $0.reason.hasPrefix("10% trimmed mean") })
        #expect(read.interval == Interval(low: 63.5, high: 77.5))
        let listed = try HistoryReader(path: store.path).entries(persona: persona)
        #expect(listed.map(\.interval) == [Interval(low: 63.5, high: 77.5)])
    }

    @Test func aVersion5StoreIsMigratedEntryByEntry() throws {
        let directory = try TemporaryDirectory("packing-v5")
        defer { directory.remove() }
        let path = directory.file("old.sqlite")
        let count = 2_500  // more than one migration batch
        var text = 0
        do {
            let queue = try DatabaseQueue(path: path)
            try Store.migrator.migrate(queue, upTo: "v5")
            try queue.write { db in
                for index in 0..<count {
                    let json = String(decoding: SnapshotJSON.encodeHistory(Self.score(Double(index % 90))), as: UTF8.self)
                    text += json.utf8.count
                    try db.execute(sql: """
                        INSERT INTO score_history (persona_id, generated_at, formula_version, status, value, score_json, parts)
                        VALUES (?, ?, '2', 'ok', ?, ?, '[]')
                        """, arguments: [persona.rawValue, 1_700_000_000 + Double(index) * 60, Double(index % 90), json])
                }
            }
        }
        // personactl reads a store the daemon has not migrated yet (the interval from the JSON).
        let unmigrated = try HistoryReader(path: path).entries(persona: persona)
        #expect(unmigrated.count == count)
        #expect(unmigrated.first?.interval == Interval(low: -8, high: 6))
        let store = try Store(path: path)
        let history = try store.scoreHistory(persona: persona)
        #expect(history.count == count)
        #expect(history.map(\.score.value) == (0..<count).map { Double($0 % 90) })
        let listed = try HistoryReader(path: path).entries(persona: persona)
        #expect(listed.count == count)
        #expect(listed.last?.interval == Interval(low: Double((count - 1) % 90) - 8, high: Double((count - 1) % 90) + 6))
        let (packed, columns) = try store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT sum(length(score)) FROM score_history") ?? 0, try db.columns(in: "score_history").map(\.name))
        }
        #expect(!columns.contains("score_json"))
        #expect(packed * 3 < text, "\(text) bytes of JSON became \(packed)")
    }
}
