import Foundation
import Testing
import TestSupport
@testable import PersonaDaemon

/// `personad.prom` as Prometheus' own parser (`prometheus_client`) reads it: label values with
/// the three characters the text format escapes come back whole, each family is declared once,
/// and a file of many series is one family block per metric.
@Suite struct MetricsFileTests {
    @Test func hostileLabelValuesRoundTripThroughPrometheusParser() throws {
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
        let (status, data) = try runPython(script, arguments: [path])
        #expect(status == 0, "prometheus_client could not parse:\n\(text)")
        let samples = try #require(try JSONSerialization.jsonObject(with: data) as? [[Any]])
        let failures = samples.filter { $0.first as? String == "personad_source_consecutive_failures" }
        #expect(failures.compactMap { ($0[1] as? [String: String])?["location"] } == locations)
        #expect(failures.compactMap { $0[2] as? Double } == [0, 1, 2, 3])
        #expect(samples.contains { $0.first as? String == "personad_source_last_success_timestamp_seconds" && $0[2] as? Double == 1_780_000_000.5 })
        #expect(samples.contains { $0.first as? String == "personad_source_fetch_bytes" && $0[2] as? Double == 9_000 })
        #expect(samples.count == 4 + 4 + 1 + 1)
    }
}
