import Foundation
import Logging
import PersonaConfig
import PersonaModel
import PersonaSnapshots
import PersonaStore

/// What the metrics file needs across cycles: the rows of personas not scored in a cycle (their
/// snapshot stands; read once from its file), the sources' states and their last reads. Owned by
/// one task (the main loop, or `--once`).
struct MetricsState {
    var personas: [String: MetricsFile.PersonaRow] = [:]
    var states: [String: SourceState] = [:]
    var reads: [String: (duration: Double, bytes: Int)] = [:]
    var lastWrite: Date?

    /// A busy daemon runs a cycle a second; a collector reads the file every 15 s or more. The file
    /// is rewritten at most this often (the caches above take in every cycle).
    static let minimumInterval: TimeInterval = 10

    /// The few fields of a snapshot the file shows. Decoding only these, rather than the whole
    /// snapshot with its evidence and topics, made `--once` over 2,000 unchanged personas spend
    /// two thirds of its time here (`perf`, Benchmarks/http-cycle.sh).
    struct SnapshotView: Decodable {
        struct Persona: Decodable { var id: String; var network: String }
        struct Score: Decodable {
            var status: ScoreStatus
            var value: Double?
            var interval: Interval?
            var components: [Component]
        }
        struct Interval: Decodable { var low: Double; var high: Double }
        struct Component: Decodable { var name: String; var normalized: Double?; var contribution: Double? }
        var persona: Persona
        var score: Score
    }

    /// Takes in a cycle's report, then writes the file if the configuration names one and it was
    /// not written in the last `minimumInterval` (unless `force`).
    mutating func record(_ report: Cycle.Report, configuration: Configuration, logger: Logger, now: Date = Date(), force: Bool = false) {
        personas.merge(report.rows) { $1 }
        states.merge(report.states) { $1 }
        for outcome in report.outcomes { reads[outcome.key] = (outcome.duration, outcome.bytes) }
        let ids = Set(configuration.personas.map(\.id.rawValue))
        personas = personas.filter { ids.contains($0.key) }
        guard let path = configuration.metricsFile else { return }
        if !force, let lastWrite, now.timeIntervalSince(lastWrite) < Self.minimumInterval { return }
        lastWrite = now
        var rows: [MetricsFile.PersonaRow] = []
        var sources: [MetricsFile.SourceRow] = []
        let decoder = SnapshotCoding.decoder()
        for persona in configuration.personas {
            if personas[persona.id.rawValue] == nil {
                // A snapshot that still stands was not scored in this run: its file says what it says.
                let file = (configuration.snapshotDirectory as NSString).appendingPathComponent("\(persona.id.rawValue).json")
                if let data = FileManager.default.contents(atPath: file),
                   let view = try? decoder.decode(SnapshotView.self, from: data) { // unreadable: listed next cycle
                    personas[persona.id.rawValue] = MetricsFile.PersonaRow(view)
                }
            }
            if let row = personas[persona.id.rawValue] { rows.append(row) }
            for source in persona.sources {
                let key = SourceRefresh.key(persona, source)
                let state = states[key]
                sources.append(MetricsFile.SourceRow(
                    persona: persona.id.rawValue, network: persona.network.rawValue, kind: source.kind.rawValue,
                    location: source.location, lastSuccess: state?.lastSuccess, consecutiveFailures: state?.consecutiveFailures ?? 0,
                    duration: reads[key]?.duration, bytes: reads[key]?.bytes))
            }
        }
        do {
            try MetricsFile(path: path).write(personas: rows, sources: sources)
        } catch {
            logger.error("\(error)")
        }
    }
}
