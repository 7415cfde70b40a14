import Foundation
import PersonaModel
import PersonaSnapshots
import PersonaStore
import PersonaUtilities
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

        /// The interval and components as the store keeps them (`PersonaRecord.metrics`):
        /// `[low, high, [[name, value, points], …]]`, the bounds `null` without an interval.
        var stored: String {
            var text = "[" + JSONText.number(interval?.low) + "," + JSONText.number(interval?.high) + ",["
            for (index, component) in components.enumerated() {
                if index > 0 { text += "," }
                text += "["
                JSONText.appendString(component.name, to: &text)
                text += "," + JSONText.number(component.normalized) + "," + JSONText.number(component.contribution) + "]"
            }
            return text + "]]"
        }

        /// A row from a persona's record: its score from the record's columns, the rest from
        /// `stored`; `nil` if the record has none (written before store v8) or it does not read.
        init?(persona: String, network: String, record: PersonaRecord) {
            guard let stored = record.metrics, let status = ScoreStatus(rawValue: record.scoreStatus) else { return nil }
            var bounds: [Double?] = []
            var components: [(name: String, normalized: Double, contribution: Double)] = []
            let read: Bool = Array(stored.utf8).withUnsafeBufferPointer { bytes in
                var cursor = JSONCursor(bytes)
                do throws(JSONCursor.Failure) {
                    var elements = 0
                    try cursor.array { cursor throws(JSONCursor.Failure) in
                        elements += 1
                        guard elements == 3 else {
                            bounds.append(try cursor.scalarText().flatMap(Double.init))
                            return
                        }
                        try cursor.array { cursor throws(JSONCursor.Failure) in
                            var fields: [String?] = []
                            try cursor.array { cursor throws(JSONCursor.Failure) in fields.append(try cursor.scalarText()) }
                            guard fields.count == 3, let name = fields[0], let value = fields[1].flatMap(Double.init) else {
                                throw JSONCursor.Failure(detail: "a component is not [name, value, points]")
                            }
                            components.append((name, value, fields[2].flatMap(Double.init) ?? 0))
                        }
                    }
                    return elements == 3
                } catch {
                    return false
                }
            }
            guard read else { return nil }
            let interval = bounds[0].flatMap { low in bounds[1].map { Interval(low: low, high: $0) } }
            self.init(persona: persona, network: network, status: status, value: record.scoreValue, interval: interval, components: components)
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
    /// `# TYPE` once, before its first series, then its series; families in the order below.
    ///
    /// Written directly, in time linear in the series: swift-prometheus' registry, used before,
    /// copies a family's whole series dictionary for each series added to it, which made a file of
    /// 11,000 personas take minutes (found by `Benchmarks/http-cycle.sh`). Prometheus' own parser
    /// reads the result in the tests.
    ///
    /// - Important: the text is handed to `emit` in pieces of about `chunk` bytes (the buffer is
    ///   emptied after each call), one family after another, so that memory does not grow with the
    ///   file: at 11,000 personas it is 19 MB, and building it whole held three copies at once,
    ///   the daemon's peak (`heaptrack`).
    static func render(personas: [PersonaRow], sources: [SourceRow], chunk: Int = 1 << 16, emit: (inout [UInt8]) -> Void) {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunk + 4096)
        let personas = personas.sorted { $0.persona < $1.persona }
        let sources = sources.sorted { ($0.persona, $0.kind, $0.location) < ($1.persona, $1.kind, $1.location) }
        // Each row's labels, escaped once: a persona's appear in six families, a source's in four
        // (rebuilding them per series was most of the time of a file of 11,000 personas).
        // One buffer per table, not an array per row: 22,000 small arrays cost more than their bytes.
        let personaLabels = LabelTable(rows: personas.count) { [("persona", personas[$0].persona), ("network", personas[$0].network)] }
        let sourceLabels = LabelTable(rows: sources.count) {
            [("persona", sources[$0].persona), ("network", sources[$0].network), ("kind", sources[$0].kind), ("location", sources[$0].location)]
        }
        /// One family: its header before its first series, then the series `values` appends for
        /// each row (through `series(labels, extra, value)`).
        func family(_ name: String, _ unit: String, _ help: String, rows: Int,
                    _ values: (Int, (_ labels: ArraySlice<UInt8>, _ extra: (String, String)?, _ value: Double) -> Void) -> Void) {
            let full = Array(("personad_" + name + (unit.isEmpty ? "" : "_" + unit)).utf8)
            var headed = false
            for row in 0..<rows {
                values(row) { labels, extra, value in
                    if !headed {
                        buffer.append(contentsOf: "# HELP \(String(decoding: full, as: UTF8.self)) \(Self.escaped(help, quote: false))\n".utf8)
                        buffer.append(contentsOf: "# TYPE \(String(decoding: full, as: UTF8.self)) gauge\n".utf8)
                        headed = true
                    }
                    buffer.append(contentsOf: full)
                    buffer.append(UInt8(ascii: "{"))
                    buffer.append(contentsOf: labels)
                    if let (label, text) = extra {
                        buffer.append(UInt8(ascii: ","))
                        appendLabel(label, text, to: &buffer)
                    }
                    buffer.append(contentsOf: "} ".utf8)
                    buffer.append(contentsOf: number(value).utf8)
                    buffer.append(UInt8(ascii: "\n"))
                }
                if buffer.count >= chunk { emit(&buffer) }
            }
        }
        family("persona_status", "", "1 for the persona's current status (ok, insufficient_data, stale, error), else 0", rows: personas.count) { row, series in
            for status in ScoreStatus.allCases { series(personaLabels[row], ("status", status.rawValue), personas[row].status == status ? 1 : 0) }
        }
        family("score", "", "The persona's score, 0-100 (one account on one network; never combined)", rows: personas.count) { row, series in
            if let value = personas[row].value { series(personaLabels[row], nil, value) }
        }
        family("score_interval", "low", "The lower bound of the score's 90% interval", rows: personas.count) { row, series in
            if personas[row].value != nil, let interval = personas[row].interval { series(personaLabels[row], nil, interval.low) }
        }
        family("score_interval", "high", "The upper bound of the score's 90% interval", rows: personas.count) { row, series in
            if personas[row].value != nil, let interval = personas[row].interval { series(personaLabels[row], nil, interval.high) }
        }
        family("component", "", "A measured component's value, 0-100", rows: personas.count) { row, series in
            for component in personas[row].components { series(personaLabels[row], ("component", component.name), component.normalized) }
        }
        family("component", "points", "A component's points in the score (value x weight x factor)", rows: personas.count) { row, series in
            for component in personas[row].components { series(personaLabels[row], ("component", component.name), component.contribution) }
        }
        family("source_last_success", "timestamp_seconds", "When the source was last read successfully (Unix time)", rows: sources.count) { row, series in
            if let date = sources[row].lastSuccess { series(sourceLabels[row], nil, date.timeIntervalSince1970) }
        }
        family("source_consecutive_failures", "", "Failed reads of the source since its last success", rows: sources.count) { row, series in
            series(sourceLabels[row], nil, Double(sources[row].consecutiveFailures))
        }
        family("source_fetch_duration", "seconds", "How long the source's last read in this run took", rows: sources.count) { row, series in
            if let duration = sources[row].duration { series(sourceLabels[row], nil, duration) }
        }
        family("source_fetch", "bytes", "The bytes the source's last read in this run received", rows: sources.count) { row, series in
            if let bytes = sources[row].bytes { series(sourceLabels[row], nil, Double(bytes)) }
        }
        if !buffer.isEmpty { emit(&buffer) }
    }

    /// Each row's `label="value",…` (without braces, escaped), the rows' texts end to end.
    struct LabelTable {
        private var bytes: [UInt8] = []
        private var ends: [Int] = []

        init(rows: Int, _ labels: (Int) -> [(String, String)]) {
            ends.reserveCapacity(rows)
            for row in 0..<rows {
                for (index, (label, text)) in labels(row).enumerated() {
                    if index > 0 { bytes.append(UInt8(ascii: ",")) }
                    MetricsFile.appendLabel(label, text, to: &bytes)
                }
                ends.append(bytes.count)
            }
        }

        subscript(row: Int) -> ArraySlice<UInt8> { bytes[(row == 0 ? 0 : ends[row - 1])..<ends[row]] }
    }

    /// `label="value"`, the value escaped. The three escapes are ASCII, and no byte of a
    /// multi-byte UTF-8 sequence is.
    static func appendLabel(_ label: String, _ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: label.utf8)
        out.append(contentsOf: "=\"".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: "\\n".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The whole text at once (for the tests; the daemon streams it to the file).
    static func render(personas: [PersonaRow], sources: [SourceRow]) -> [UInt8] {
        var text: [UInt8] = []
        render(personas: personas, sources: sources) { piece in
            text += piece
            piece.removeAll(keepingCapacity: true)
        }
        return text
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
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = (directory as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).\(getpid()).tmp")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DaemonError("\(path): cannot write the metrics file (\(String(cString: strerror(errno))))") }
        var failure: Int32 = 0
        Self.render(personas: personas, sources: sources) { piece in
            defer { piece.removeAll(keepingCapacity: true) }
            guard failure == 0 else { return } // the first failure is reported; the rest is not written
            piece.withUnsafeBytes { buffer in
                var written = 0
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
