import Foundation
import PersonaModel
import PersonaSnapshots
#if canImport(Glibc)
import Glibc
#endif

/// `personad.prom`: the scores and the sources' health in Prometheus' text format, for
/// node_exporter's textfile collector (`Docs/operations.md`), rewritten atomically after each cycle.
///
/// Each persona is its own series (labels `persona`, `network`): the file, like everything else
/// personad writes, never adds or averages personas. A persona without a number has no
/// `personad_score` series, only its `personad_persona_status`.
///
/// - Important: the whole file is rendered for every write, so a persona or source removed from the
///   configuration disappears from the file at the next cycle instead of lingering.
struct MetricsFile: Sendable {
    /// What the file says of one persona, taken from its snapshot.
    struct PersonaRow: Sendable {
        var persona: String
        var network: String
        var status: ScoreStatus
        var value: Double?
        var interval: Interval?
        /// Measured components: name, value 0–100, points.
        var components: [(name: String, normalized: Double, contribution: Double)]

        init(_ snapshot: PersonaSnapshot) {
            persona = snapshot.persona.id
            network = snapshot.persona.network.rawValue
            status = snapshot.score.status
            value = snapshot.score.value
            interval = snapshot.score.interval
            components = snapshot.score.components.compactMap { component in
                component.normalized.map { (component.name, $0, component.contribution ?? 0) }
            }
        }

        init(persona: String, network: String, status: ScoreStatus, value: Double?, interval: Interval?,
             components: [(name: String, normalized: Double, contribution: Double)]) {
            self.persona = persona
            self.network = network
            self.status = status
            self.value = value
            self.interval = interval
            self.components = components
        }
    }

    /// What the file says of one source.
    struct SourceRow: Sendable {
        var persona: String
        var network: String
        var kind: String
        var location: String
        var lastSuccess: Date?
        var consecutiveFailures: Int
        /// The last read's duration and bytes, when this run of the daemon made one.
        var duration: Double?
        var bytes: Int?
    }

    let path: String

    /// The text, in Prometheus' exposition format (text format 0.0.4): each family's `# HELP` and
    /// `# TYPE` once, then its series, families in the order below.
    ///
    /// Written directly, in time linear in the series: swift-prometheus' registry, used before,
    /// copies a family's whole series dictionary for each series added to it, which made a file of
    /// 11,000 personas take minutes (found by `Benchmarks/http-cycle.sh`). Prometheus' own parser
    /// reads the result in the tests.
    static func render(personas: [PersonaRow], sources: [SourceRow]) -> [UInt8] {
        var families: [String: Family] = [:]
        var order: [String] = []
        func gauge(_ name: String, _ unit: String, _ help: String, _ labels: [(String, String)], _ value: Double) {
            let full = "personad_" + name + (unit.isEmpty ? "" : "_" + unit)
            if families[full] == nil {
                families[full] = Family(help: help)
                order.append(full)
            }
            families[full]?.series.append(Self.series(full, labels, value))
        }
        for row in personas.sorted(by: { $0.persona < $1.persona }) {
            let labels = [("persona", row.persona), ("network", row.network)]
            for status in ScoreStatus.allCases {
                gauge("persona_status", "", "1 for the persona's current status (ok, insufficient_data, stale, error), else 0",
                      labels + [("status", status.rawValue)], row.status == status ? 1.0 : 0.0)
            }
            if let value = row.value {
                gauge("score", "", "The persona's score, 0-100 (one account on one network; never combined)", labels, value)
            }
            if let interval = row.interval, row.value != nil {
                gauge("score_interval", "low", "The lower bound of the score's 90% interval", labels, interval.low)
                gauge("score_interval", "high", "The upper bound of the score's 90% interval", labels, interval.high)
            }
            for component in row.components {
                let parts = labels + [("component", component.name)]
                gauge("component", "", "A measured component's value, 0-100", parts, component.normalized)
                gauge("component", "points", "A component's points in the score (value x weight x factor)", parts, component.contribution)
            }
        }
        for row in sources.sorted(by: { ($0.persona, $0.kind, $0.location) < ($1.persona, $1.kind, $1.location) }) {
            let labels = [("persona", row.persona), ("network", row.network), ("kind", row.kind), ("location", row.location)]
            if let success = row.lastSuccess {
                gauge("source_last_success", "timestamp_seconds", "When the source was last read successfully (Unix time)", labels,
                      success.timeIntervalSince1970)
            }
            gauge("source_consecutive_failures", "", "Failed reads of the source since its last success", labels, Double(row.consecutiveFailures))
            if let duration = row.duration {
                gauge("source_fetch_duration", "seconds", "How long the source's last read in this run took", labels, duration)
            }
            if let bytes = row.bytes {
                gauge("source_fetch", "bytes", "The bytes the source's last read in this run received", labels, Double(bytes))
            }
        }
        var text = ""
        for name in order {
            guard let family = families[name] else { continue }
            text += "# HELP \(name) \(Self.escaped(family.help, quote: false))\n# TYPE \(name) gauge\n"
            for line in family.series { text += line }
        }
        return Array(text.utf8)
    }

    private struct Family {
        var help: String
        var series: [String] = []
    }

    /// `name{label="value",…} value` and a newline.
    static func series(_ name: String, _ labels: [(String, String)], _ value: Double) -> String {
        var line = name
        if !labels.isEmpty {
            line += "{" + labels.map { "\($0.0)=\"\(escaped($0.1, quote: true))\"" }.joined(separator: ",") + "}"
        }
        return line + " " + number(value) + "\n"
    }

    /// The text format's escapes: `\\` and a newline as `\\n` in help and label values, and `\"`
    /// in label values.
    static func escaped(_ text: String, quote: Bool) -> String {
        // By scalar: "\r\n" is one Character, and its "\n" must be escaped too.
        guard text.unicodeScalars.contains(where: { $0 == "\\" || $0 == "\n" || (quote && $0 == "\"") }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\"" where quote: out.append(contentsOf: "\\\"".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// Go's and Prometheus' spellings of the special values; integers without a fraction.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Writes the file atomically: a temporary file beside it, flushed, then renamed over it, so
    /// the collector never reads half a file.
    func write(personas: [PersonaRow], sources: [SourceRow]) throws(DaemonError) {
        let bytes = Self.render(personas: personas, sources: sources)
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = (directory as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).\(getpid()).tmp")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DaemonError("\(path): cannot write the metrics file (\(String(cString: strerror(errno))))") }
        var written = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let result = Glibc.write(fd, buffer.baseAddress.map { $0 + written }, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += result
            }
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        close(fd)
        guard failure == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(failure != 0 ? failure : errno))
            unlink(temporary)
            throw DaemonError("\(path): cannot write the metrics file (\(reason))")
        }
    }
}
