import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaSnapshots

@Suite struct SnapshotJSONTests {
    func snapshot(text: String, value: Double?, raw: Double?) -> PersonaSnapshot {
        let score = Score(
            value: value, status: value == nil ? .insufficientData : .ok, formulaVersion: "0",
            windowStart: Date(timeIntervalSince1970: -86400 * 400), windowEnd: Date(timeIntervalSince1970: 1_709_164_800),
            components: [
                Component(name: "conversation", raw: raw, normalized: raw.map { min(100, $0) }, weight: 0.625, contribution: raw.map { min(100, $0) / 3 },
                          measured: raw != nil, reason: text, evidence: [Evidence(postId: "p/1", url: nil, count: 3)]),
                Component(name: "applause", raw: nil, normalized: nil, weight: 0, contribution: nil, measured: false, reason: "no likes"),
            ],
            sample: Sample(posts: 12, interactions: 0), topics: Topics(interests: [text], expertise: []))
        return PersonaSnapshot(
            generatedAt: Date(timeIntervalSince1970: 1_780_000_000), persona: .init(id: "ana-x", network: Network("x"), handle: text),
            score: .init(score: score, status: score.status, statusReason: value == nil ? "why: \(text)" : nil),
            sources: [.init(kind: .feed, location: "https://a.example/feed?x=1&y=\"2\"", status: .failing, lastAttempt: Date(timeIntervalSince1970: 0),
                            lastSuccess: nil, lastError: text, httpStatus: 503, consecutiveFailures: 2, nextAttempt: Date(timeIntervalSince1970: 951_782_400))],
            topics: score.topics)
    }

    @Test(arguments: [
        ("plain", 52.9 as Double?, 4.0 as Double?),
        ("quotes \" backslash \\ slash / tab\t newline\n bell\u{07} nul\u{0}", nil, nil),
        ("émoji 🙄 日本語", 0.1 + 0.2, 1e-7),
        ("x", 100, 123_456.789),
    ])
    func roundTripsThroughJSONDecoderAndTheSchema(_ text: String, _ value: Double?, _ raw: Double?) throws {
        let original = snapshot(text: text, value: value, raw: raw)
        let data = SnapshotJSON.encode(original)
        let decoded = try SnapshotCoding.decoder().decode(PersonaSnapshot.self, from: data)
        #expect(decoded == original)
        let errors = try JSONSchemaValidator(schemaAt: TestPaths.snapshotSchema).errors(in: data)
        #expect(errors.isEmpty, "\(errors)")
        let string = String(decoding: data, as: UTF8.self)
        #expect(string.contains("\"last_success\" : null"))
        #expect(string.contains("\"generated_at\" : \"2026-05-28T20:26:40Z\""))
    }

    @Test func datesMatchFoundationsISO8601() {
        let formatter = ISO8601DateFormatter()
        var seconds: Double = -2_208_988_800 // 1900-01-01
        while seconds < 4_102_444_800 { // 2100-01-01
            let date = Date(timeIntervalSince1970: seconds)
            #expect(SnapshotJSON.rfc3339(date) == formatter.string(from: date), "\(seconds)")
            seconds += 86_399.75 * 37
        }
        #expect(SnapshotJSON.rfc3339(Date(timeIntervalSince1970: 1_709_164_800.9)) == "2024-02-29T00:00:00Z")
    }

    @Test func indexRoundTrips() throws {
        let index = SnapshotIndex(generatedAt: Date(timeIntervalSince1970: 1_780_000_000), personas: [
            .init(id: "a", network: Network("blog"), file: "a.json", score: nil, status: .error, generatedAt: Date(timeIntervalSince1970: 1_780_000_000)),
            .init(id: "b", network: Network("x"), file: "b.json", score: 12.5, status: .ok, generatedAt: Date(timeIntervalSince1970: 1_779_000_000)),
        ])
        let data = SnapshotJSON.encode(index)
        #expect(try SnapshotCoding.decoder().decode(SnapshotIndex.self, from: data) == index)
        #expect(try JSONSchemaValidator(schemaAt: TestPaths.indexSchema).errors(in: data).isEmpty)
    }

    /// A history entry written before the sample was spelled out still reads, its breakdown unknown.
    @Test func aSampleWithoutItsBreakdownStillDecodes() throws {
        let old = try SnapshotCoding.decoder().decode(Sample.self, from: Data(#"{"posts": 12, "interactions": 167}"#.utf8))
        #expect(old == Sample(posts: 12, interactions: 167))
        #expect(old.originals == nil && old.selfRepliesLeftOut == nil)
        let new = try SnapshotCoding.decoder().decode(Sample.self, from: Data(#"{"posts": 12, "interactions": 167, "originals": 8, "replies": 4, "self_replies_left_out": 2}"#.utf8))
        #expect(new.originals == 8 && new.replies == 4 && new.selfRepliesLeftOut == 2)
    }
}
