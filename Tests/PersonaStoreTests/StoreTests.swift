import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaStore
import PersonaSnapshots

@Suite final class StoreTests {
    let directory: TemporaryDirectory
    let persona = PersonaID(rawValue: "ana-x")!

    init() throws { directory = try TemporaryDirectory("store") }

    deinit { directory.remove() }

    @Test func postsAreDeduplicatedAndNewerCountsNeverEraseMeasuredOnes() throws {
        let store = try Store(path: directory.file("personad.sqlite"))
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        try store.record(posts: [
            Post(id: "1", createdAt: created, kind: .original, text: "one", tags: ["a"], counts: EngagementCounts(replies: 2, reposts: 1, likes: 5)),
            Post(id: "2", createdAt: created.addingTimeInterval(60), kind: .reply, text: "two"),
        ], persona: persona, sourceKey: "api", observedAt: created)
        // A later read from a source that measures only likes: replies and reposts stay.
        try store.record(posts: [
            Post(id: "1", createdAt: created, kind: .original, text: "one (edited)", tags: ["a"], counts: EngagementCounts(likes: 9)),
        ], persona: persona, sourceKey: "export", observedAt: created.addingTimeInterval(3600))
        let posts = try store.posts(persona: persona)
        #expect(posts.count == 2)
        #expect(posts[0].counts == EngagementCounts(replies: 2, reposts: 1, likes: 9))
        #expect(posts[0].text == "one (edited)")
        #expect(posts[0].tags == ["a"])
        #expect(posts[1].kind == .reply)
        #expect(try store.posts(persona: PersonaID(rawValue: "other")!).isEmpty)
    }

    /// A snapshot pass reads the records of its own personas only (one query, ids as JSON).
    @Test func personaRecordsAreReadForTheAskedPersonasOnly() throws {
        let store = try Store(path: directory.file("personad.sqlite"))
        let ids = (0..<300).compactMap { PersonaID(rawValue: "p-\($0)") }
        var records: [PersonaID: PersonaRecord] = [:]
        for (index, id) in ids.enumerated() {
            records[id] = PersonaRecord(fingerprint: "f\(index)", configDigest: "c", writtenAt: Date(timeIntervalSince1970: Double(index)),
                                        scoreValue: Double(index), scoreStatus: "ok", formulaVersion: "2", metrics: index % 2 == 0 ? "[1,2,[]]" : nil)
        }
        try store.commit(records: records, history: [])
        #expect(try store.personaRecords(of: ids) == records)
        let asked = ids.filter { $0.rawValue.hasSuffix("7") } + [PersonaID(rawValue: "never-written")].compactMap { $0 }
        let read = try store.personaRecords(of: asked)
        #expect(read.count == 30)
        #expect(read == records.filter { $0.key.rawValue.hasSuffix("7") })
        #expect(try store.personaRecords(of: [PersonaID]()).isEmpty)
    }

    /// A cycle over a few sources reads only their states (one query, keys as JSON).
    @Test func sourceStatesAreReadForTheAskedKeysOnly() throws {
        let store = try Store(path: directory.file("personad.sqlite"))
        let observed = Date(timeIntervalSince1970: 1_700_000_000)
        let updates = (0..<200).map { index in
            var state = SourceState(key: "source-\(index)", personaID: persona, kind: .feed, location: "https://example.org/\(index).xml")
            state.lastSuccess = observed.addingTimeInterval(Double(index))
            state.validators = ["https://example.org/\(index).xml": Validators(etag: "\"e\(index)\"", lastModified: nil)]
            return SourceUpdate(state: state, posts: [], observedAt: observed)
        }
        try store.commit(updates)
        let all = try store.sourceStates()
        #expect(all.count == 200)
        let asked = ["source-3", "source-150", "source-never-read", "quote\"'key"]
        let read = try store.sourceStates(of: asked)
        #expect(Set(read.keys) == ["source-3", "source-150"])
        #expect(read["source-150"] == all["source-150"])
        #expect(read["source-3"]?.validators["https://example.org/3.xml"]?.etag == "\"e3\"")
        #expect(try store.sourceStates(of: [String]()).isEmpty)
    }

    @Test func sourceStateAndScoreHistorySurviveReopening() throws {
        let path = directory.file("personad.sqlite")
        do {
            let store = try Store(path: path)
            var state = SourceState(key: "ana-x|feed|https://a.example/f", personaID: persona, kind: .feed, location: "https://a.example/f")
            state.validators = ["https://a.example/f": Validators(etag: "\"v1\"", lastModified: nil)]
            state.memo = ["account_id": "109"]
            state.nextAttempt = Date(timeIntervalSince1970: 1_700_000_500)
            state.notBefore = Date(timeIntervalSince1970: 1_700_000_400)
            state.httpStatus = 503
            state.gone = true
            state.lastError = "boom"
            state.consecutiveFailures = 2
            state.lastSuccess = Date(timeIntervalSince1970: 1_700_000_000)
            try store.save(state)
            let score = Score(value: 42, status: .ok, formulaVersion: "0", windowStart: .distantPast, windowEnd: Date(timeIntervalSince1970: 1),
                              components: [], sample: Sample(posts: 5, interactions: 9), topics: Topics())
            try store.recordScore(score, persona: persona, generatedAt: Date(timeIntervalSince1970: 1_700_000_100))
        }
        let reopened = try Store(path: path)
        let state = try #require(try reopened.sourceState(key: "ana-x|feed|https://a.example/f"))
        #expect(state.validators["https://a.example/f"]?.etag == "\"v1\"" && state.lastError == "boom" && state.consecutiveFailures == 2)
        #expect(state.memo == ["account_id": "109"] && state.httpStatus == 503 && state.gone)
        #expect(state.nextAttempt == Date(timeIntervalSince1970: 1_700_000_500) && state.notBefore == Date(timeIntervalSince1970: 1_700_000_400))
        #expect(try reopened.sourceStates().keys.sorted() == ["ana-x|feed|https://a.example/f"])
        #expect(state.lastSuccess == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(try reopened.scoreHistory(persona: persona).map(\.score.value) == [42])
        #expect(try reopened.sourceState(key: "missing") == nil)
    }

    @Test func aTimesOnlyUpdateMovesTheTimesAndKeepsTheRest() throws {
        let store = try Store(path: directory.file("times.sqlite"))
        var state = SourceState(key: "ana-x|feed|https://a.example/f", personaID: persona, kind: .feed, location: "https://a.example/f")
        state.validators = ["https://a.example/f": Validators(etag: "\"v1\"", lastModified: nil)]
        state.memo = ["k": "v"]
        state.audience = 12
        state.httpStatus = 200
        try store.save(state)
        var polled = state
        polled.lastAttempt = Date(timeIntervalSince1970: 1_700_000_000)
        polled.lastSuccess = polled.lastAttempt
        polled.nextAttempt = Date(timeIntervalSince1970: 1_700_000_600)
        polled.httpStatus = 304
        var update = SourceUpdate(state: polled, posts: [], observedAt: Date())
        update.timesOnly = true
        try store.commit([update])
        #expect(try store.sourceState(key: state.key) == polled)
        // A source not yet stored is inserted whole even if marked times-only.
        var fresh = SourceState(key: "new|feed|u", personaID: persona, kind: .feed, location: "u")
        fresh.nextAttempt = Date(timeIntervalSince1970: 1_700_000_900)
        var insert = SourceUpdate(state: fresh, posts: [], observedAt: Date())
        insert.timesOnly = true
        try store.commit([insert])
        #expect(try store.sourceState(key: "new|feed|u") == fresh)
    }

    @Test func unopenableDatabaseIsAClearError() throws {
        try directory.write("not-a-db.sqlite", "this is not SQLite, just text that is long enough to have a header")
        let error = #expect(throws: StoreError.self) { try Store(path: directory.file("not-a-db.sqlite")) }
        #expect(error?.description.contains("not-a-db.sqlite") == true)
    }
}

@Suite final class SnapshotWriterTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory("snapshots") }

    deinit { directory.remove() }

    func snapshot(value: Double?, status: ScoreStatus) -> PersonaSnapshot {
        let score = Score(value: value, status: status, formulaVersion: "0", windowStart: Date(timeIntervalSince1970: 0),
                          windowEnd: Date(timeIntervalSince1970: 86400),
                          components: [Component(name: "applause", raw: nil, normalized: nil, weight: 0, contribution: nil, measured: false, reason: "no likes")],
                          sample: Sample(posts: 3, interactions: 0), topics: Topics(interests: ["swift"]))
        return PersonaSnapshot(
            generatedAt: Date(timeIntervalSince1970: 1_780_000_000), persona: .init(id: "ana-x", network: Network("x"), handle: "ana"),
            score: .init(score: score, status: status, statusReason: nil),
            sources: [.init(kind: .export, location: "/srv/x.zip", status: .pending, lastAttempt: nil, lastSuccess: nil, lastError: nil)],
            topics: score.topics)
    }

    @Test func writesValidSnapshotsWithExplicitNullsAndLeavesNoTemporaryFiles() throws {
        let writer = try SnapshotWriter(directory: directory.file("out"))
        try writer.write(snapshot(value: nil, status: .insufficientData), fileName: "ana-x.json")
        try writer.write(SnapshotIndex(generatedAt: Date(timeIntervalSince1970: 1_780_000_000), personas: [
            .init(id: "ana-x", network: Network("x"), file: "ana-x.json", score: nil, status: .insufficientData, generatedAt: Date(timeIntervalSince1970: 1_780_000_000)),
        ]))
        try JSONSchemaValidator(schemaAt: TestPaths.snapshotSchema).validate(fileAt: directory.file("out/ana-x.json"))
        try JSONSchemaValidator(schemaAt: TestPaths.indexSchema).validate(fileAt: directory.file("out/index.json"))
        let text = try String(contentsOfFile: directory.file("out/ana-x.json"), encoding: .utf8)
        #expect(text.contains("\"value\" : null"))
        #expect(text.contains("\"last_error\" : null"))
        #expect(text.contains("\"raw\" : null"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("out")).sorted() == ["ana-x.json", "index.json"])
        let decoded = try SnapshotCoding.decoder().decode(PersonaSnapshot.self, from: Data(contentsOf: URL(fileURLWithPath: directory.file("out/ana-x.json"))))
        #expect(decoded == snapshot(value: nil, status: .insufficientData))
    }

    @Test func schemaRejectsWhatTheFormatForbids() throws {
        let validator = try JSONSchemaValidator(schemaAt: TestPaths.snapshotSchema)
        let good = SnapshotJSON.encode(snapshot(value: 50, status: .ok))
        #expect(validator.errors(in: good).isEmpty)
        var object = try #require(try JSONSerialization.jsonObject(with: good) as? [String: Any])
        var score = try #require(object["score"] as? [String: Any])
        score["value"] = 140
        score["status"] = "great"
        object["score"] = score
        object["schema_version"] = 2
        object.removeValue(forKey: "topics")
        let errors = validator.errors(in: try JSONSerialization.data(withJSONObject: object))
        #expect(errors.contains { $0.contains("$.score.value") })
        #expect(errors.contains { $0.contains("$.score.status") })
        #expect(errors.contains { $0.contains("schema_version") })
        #expect(errors.contains { $0.contains("topics") })
    }

    @Test func batchWritesReplaceEveryFileAndLeaveNoTemporaryFiles() throws {
        let writer = try SnapshotWriter(directory: directory.file("batch"))
        try directory.write("batch/p1.json", "old")
        var batch: [(fileName: String, snapshot: PersonaSnapshot)] = []
        for index in 1...50 {
            var snapshot = snapshot(value: Double(index), status: .ok)
            snapshot.persona.id = "p\(index)"
            batch.append(("p\(index).json", snapshot))
        }
        try writer.write(batch: batch)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.file("batch"))
        #expect(names.count == 50 && names.allSatisfy { !$0.hasPrefix(".") })
        let validator = try JSONSchemaValidator(schemaAt: TestPaths.snapshotSchema)
        try validator.validate(fileAt: directory.file("batch/p1.json"))
        let decoded = try SnapshotCoding.decoder().decode(PersonaSnapshot.self, from: Data(contentsOf: URL(fileURLWithPath: directory.file("batch/p50.json"))))
        #expect(decoded.score.value == 50)
    }

    @Test func leftoverTemporaryFilesAreRemoved() throws {
        let writer = try SnapshotWriter(directory: directory.file("out"))
        try directory.write("out/.personad-tmp-ana-x.json.ABC123", "{")
        writer.removeTemporaryFiles()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("out")).isEmpty)
    }
}
