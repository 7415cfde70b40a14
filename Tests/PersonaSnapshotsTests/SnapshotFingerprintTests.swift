import Foundation
import PersonaModel
import Testing
@testable import PersonaSnapshots

/// The fingerprint is the snapshot's own rendering without its clock-driven fields: it moves with
/// every field a reader could see change, and with nothing else.
@Suite struct SnapshotFingerprintTests {
    static let base: PersonaSnapshot = SnapshotJSONTests().snapshot(text: "plain", value: 52.9, raw: 4)

    typealias Edit = (String, @Sendable (inout PersonaSnapshot) -> Void)

    static let clockOnly: [Edit] = [
        ("generated_at", { $0.generatedAt += 3600 }),
        ("window", { $0.score.window.start += 60; $0.score.window.end += 60 }),
        ("last_attempt", { $0.sources[0].lastAttempt = Date(timeIntervalSince1970: 1_780_000_100) }),
        ("last_success", { $0.sources[0].lastSuccess = Date(timeIntervalSince1970: 1_780_000_100) }),
        ("next_attempt", { $0.sources[0].nextAttempt = nil }),
        ("200 → 304", { $0.sources[0].httpStatus = 200 }),
    ]

    static let content: [Edit] = [
        ("handle", { $0.persona.handle += "2" }),
        ("value", { $0.score.value = 53 }),
        ("status", { $0.score.status = .stale }),
        ("status_reason", { $0.score.statusReason = "a source failed" }),
        ("component reason", { $0.score.components[0].reason += "!" }),
        ("component evidence count", { $0.score.components[0].evidence[0].count += 1 }),
        ("coverage", { $0.score.coverage = 0.5 }),
        ("sample", { $0.score.sample.posts += 1 }),
        ("source status", { $0.sources[0].status = .ok }),
        ("last_error", { $0.sources[0].lastError = "timeout" }),
        ("503 → 404", { $0.sources[0].httpStatus = 404 }),
        ("consecutive_failures", { $0.sources[0].consecutiveFailures += 1 }),
        ("interests", { $0.topics.interests.append("swift") }),
        ("previous", {
            $0.score.previous = .init(generatedAt: Date(timeIntervalSince1970: 1_700_000_000), value: 40, status: .ok,
                                      formulaVersion: "1", components: [])
        }),
    ]

    @Test func clockDrivenFieldsLeaveItAlone() {
        var checked = 0
        // From a 200, so that the 200 → 304 edit compares two successes.
        var start = Self.base
        start.sources[0].httpStatus = 304
        let fingerprint = SnapshotFingerprint.of(start)
        for (name, edit) in Self.clockOnly {
            var changed = start
            edit(&changed)
            #expect(changed != start, "\(name) edited nothing")
            #expect(SnapshotFingerprint.of(changed) == fingerprint, "\(name) moved the fingerprint")
            checked += 1
        }
        #expect(checked == Self.clockOnly.count && checked > 0)
    }

    @Test func everyFieldAReaderSeesMovesIt() {
        let fingerprint = SnapshotFingerprint.of(Self.base)
        var seen: Set<String> = [fingerprint]
        for (name, edit) in Self.content {
            var changed = Self.base
            edit(&changed)
            let other = SnapshotFingerprint.of(changed)
            #expect(other != fingerprint, "\(name) did not move the fingerprint")
            seen.insert(other)
        }
        #expect(seen.count == Self.content.count + 1, "two different edits gave one fingerprint")
    }

    /// The fingerprint's rendering is the file's rendering less the clock-driven members.
    @Test func theFingerprintFormIsTheFileLessTheClock() throws {
        let file = try #require(try JSONSerialization.jsonObject(with: SnapshotJSON.encode(Self.base)) as? [String: Any])
        let stable = try #require(try JSONSerialization.jsonObject(
            with: SnapshotJSON.render(SnapshotJSON.value(Self.base), pretty: false, clock: false)) as? [String: Any])
        #expect(file["generated_at"] != nil && stable["generated_at"] == nil)
        #expect(Set(file.keys).subtracting(stable.keys) == ["generated_at"])
        let fileSource = try #require((file["sources"] as? [[String: Any]])?.first)
        let stableSource = try #require((stable["sources"] as? [[String: Any]])?.first)
        #expect(Set(fileSource.keys).subtracting(stableSource.keys) == ["last_attempt", "last_success", "next_attempt"])
        #expect(stableSource["http_status"] as? String == "503")
        #expect((stable["score"] as? [String: Any])?["window"] == nil)
    }

    /// What is prepared once serves both: the fingerprint, and the file's bytes.
    @Test func aPreparedSnapshotGivesTheSameFingerprintAndFile() {
        #expect(SnapshotJSON.Prepared(Self.base).fingerprint == SnapshotFingerprint.of(Self.base))
        #expect(SnapshotJSON.Prepared(Self.base).data == SnapshotJSON.encode(Self.base))
    }

    /// Numbers are hashed by value: any change moves it, including one past the text's precision.
    @Test func numbersMoveItByValue() {
        var checked = 0
        for value in [0.0, 52.9, 52.900000000000006, 1e-7, 123_456.789, -1] {
            var changed = Self.base
            changed.score.components[0].raw = value
            #expect(SnapshotFingerprint.of(changed) != SnapshotFingerprint.of(Self.base) || Self.base.score.components[0].raw == value)
            checked += 1
        }
        var nan = Self.base
        nan.score.components[0].raw = .nan
        var none = Self.base
        none.score.components[0].raw = nil
        #expect(SnapshotFingerprint.of(nan) == SnapshotFingerprint.of(none), "a non-finite number is written as null")
        #expect(checked == 6)
    }
}
