import Foundation
import PersonaModel
import PersonaStore
import Testing
import TestSupport
@testable import PersonaDaemon

/// `personad.prom` as Prometheus' own parser (`prometheus_client`) reads it: label values with
/// the three characters the text format escapes come back whole, each family is declared once,
/// and a file of many series is one family block per metric.
@Suite struct MetricsFileTests {
    @Test func hostileLabelValuesRoundTripThroughPrometheusParser() async throws {
        let locations = [#"/srv/a "quoted" feed.xml"#, #"C:\exports\x.zip"#, "/srv/two\nlines.xml", "https://e.example/feed?a=1&b=ü"]
        let sources = locations.enumerated().map { index, location in
            MetricsFile.SourceRow(persona: "p\(index)", network: "blog", kind: "feed", location: location,
                                  lastSuccess: Date(timeIntervalSince1970: 1_780_000_000.5), consecutiveFailures: index,
                                  duration: index == 0 ? 0.25 : nil, bytes: index == 0 ? 9_000 : nil)
        }
        let text = String(decoding: MetricsFile.render(personas: [], sources: sources), as: UTF8.self)
        #expect(text.components(separatedBy: "# TYPE personad_source_consecutive_failures gauge").count == 2)
        let directory = try TemporaryDirectory("metrics-render")
        defer { directory.remove() }
        let path = try directory.write("personad.prom", text)
        let script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            print(json.dumps([[s.name, s.labels, s.value] for f in text_string_to_metric_families(open(sys.argv[1]).read()) for s in f.samples]))
            """
        let (status, data) = try await runPython(script, arguments: [path])
        #expect(status == 0, "prometheus_client could not parse:\n\(text)")
        let samples = try #require(try JSONSerialization.jsonObject(with: data) as? [[Any]])
        func named(_ name: String) -> [[Any]] { samples.filter { $0.first as? String == name } }
        let failures = named("personad_source_consecutive_failures")
        let labelled: [String] = failures.compactMap { ($0[1] as? [String: String])?["location"] }
        let counts: [Double] = failures.compactMap { $0[2] as? Double }
        let successes: [Double] = named("personad_source_last_success_timestamp_seconds").compactMap { $0[2] as? Double }
        let bytes: [Double] = named("personad_source_fetch_bytes").compactMap { $0[2] as? Double }
        #expect(labelled == locations)
        #expect(counts == [0, 1, 2, 3])
        #expect(successes.contains(1_780_000_000.5))
        #expect(bytes == [9_000])
        #expect(samples.count == 10) // 4 failure counts, 4 last successes, 1 duration, 1 byte count
    }

    /// The file is written in pieces, one family after another: the pieces join into the same
    /// text whatever their size, each family is declared once, and none is much larger than the
    /// chunk (the memory the writer holds does not grow with the personas).
    @Test func piecesJoinIntoOneTextAndStaySmall() throws {
        var personas: [MetricsFile.PersonaRow] = []
        for index in 0..<500 {
            let scored = index % 7 != 0
            let components: [(name: String, normalized: Double, contribution: Double)] = [("conversation", Double(index % 50), 3.5), ("depth", 12.5, 1.25)]
            personas.append(MetricsFile.PersonaRow(persona: "p\(1000 + index)", network: index % 2 == 0 ? "mastodon" : "blog",
                                                   status: scored ? .ok : .insufficientData, value: scored ? Double(index % 100) : nil,
                                                   interval: Interval(low: 1, high: 2), components: components))
        }
        let sources = personas.map { MetricsFile.SourceRow(persona: $0.persona, network: $0.network, kind: "feed", location: "https://e.example/\($0.persona)",
                                                          lastSuccess: nil, consecutiveFailures: 0, duration: 0.5, bytes: 100) }
        let whole = MetricsFile.render(personas: personas, sources: sources)
        var pieces: [[UInt8]] = []
        MetricsFile.render(personas: personas, sources: sources, chunk: 1000) { piece in
            pieces.append(piece)
            piece.removeAll(keepingCapacity: true)
        }
        #expect(pieces.count > 100)
        #expect(pieces.flatMap { $0 } == whole)
        #expect(pieces.allSatisfy { $0.count < 1000 + 300 }) // a chunk plus at most one series line
        let text = String(decoding: whole, as: UTF8.self)
        for family in ["persona_status", "score", "score_interval_low", "component", "component_points", "source_fetch_bytes"] {
            #expect(text.components(separatedBy: "# TYPE personad_\(family) gauge\n").count == 2, "\(family) declared once")
        }
        #expect(!text.contains("personad_source_last_success")) // no source has one: no empty family
        let scores = text.components(separatedBy: "\npersonad_score{").count - 1
        let scored = personas.filter { $0.value != nil }.count
        #expect(scores == scored)
    }

    /// A row kept in the store (`PersonaRecord.metrics`) reads back as it was written; a record
    /// without one (from before store v8) or with a damaged one gives none.
    @Test func rowsKeptInTheStoreReadBack() throws {
        let components: [(name: String, normalized: Double, contribution: Double)] = [("conversation", 61.25, 24.5), (#"a "quoted" \ name"#, 0.1, 0)]
        let rows = [
            MetricsFile.PersonaRow(persona: "p", network: "blog", status: .ok, value: 57.3, interval: Interval(low: 41.2, high: 66.05), components: components),
            MetricsFile.PersonaRow(persona: "q", network: "x", status: .insufficientData, value: nil, interval: nil, components: []),
        ]
        var checked = 0
        for row in rows {
            let record = PersonaRecord(fingerprint: "f", configDigest: "c", writtenAt: Date(), scoreValue: row.value,
                                       scoreStatus: row.status.rawValue, formulaVersion: "2", metrics: row.stored)
            let back = try #require(MetricsFile.PersonaRow(persona: row.persona, network: row.network, record: record))
            #expect(back.status == row.status && back.value == row.value && back.interval == row.interval)
            #expect(back.components.map(\.name) == row.components.map(\.name))
            #expect(back.components.map(\.normalized) == row.components.map(\.normalized))
            #expect(back.components.map(\.contribution) == row.components.map(\.contribution))
            checked += 1
        }
        #expect(checked == 2)
        for damaged in [nil, "", "[1,2]", "[null,null,[[\"a\"]]]", "{}"] {
            let record = PersonaRecord(fingerprint: "f", configDigest: "c", writtenAt: Date(), scoreValue: 1, scoreStatus: "ok", formulaVersion: "2",
                                       metrics: damaged)
            #expect(MetricsFile.PersonaRow(persona: "p", network: "blog", record: record) == nil, "\(damaged ?? "nil")")
        }
    }
}
