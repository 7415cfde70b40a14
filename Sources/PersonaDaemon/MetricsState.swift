import Foundation
import Logging
import PersonaConfig
import PersonaModel
import PersonaStore
import PersonaUtilities

/// What the metrics file needs across cycles: the rows of personas not scored in a cycle (their
/// snapshot stands; read once from its file), the sources' health and their last reads. Owned by
/// one task (the main loop, or `--once`).
struct MetricsState {
    var personas: [String: MetricsFile.PersonaRow] = [:]
    /// Of each source's state, what the file shows: a daemon keeps this for its lifetime, and a
    /// whole `SourceState` (validators, memo, notes) per source was a copy of the store's table.
    var health: [String: (lastSuccess: Date?, consecutiveFailures: Int)] = [:]
    var reads: [String: (duration: Double, bytes: Int)] = [:]
    var lastWrite: Date?

    /// A busy daemon runs a cycle a second; a collector reads the file every 15 s or more. The file
    /// is rewritten at most this often (the caches above take in every cycle).
    static let minimumInterval: TimeInterval = 10

    /// The few fields of a snapshot file that `personad.prom` shows, read with the byte-level
    /// scanner: decoding the whole snapshot (evidence, topics) with `JSONDecoder` made `--once`
    /// over 2,000 unchanged HTTP sources spend two thirds of its time here, and even a decoder of
    /// these fields alone half (it scans every value first). nil if the file is not a snapshot.
    static func row(from data: Data) -> MetricsFile.PersonaRow? {
        data.withUnsafeBytes { raw -> MetricsFile.PersonaRow? in
            var cursor = JSONCursor(raw.bindMemory(to: UInt8.self))
            var id: String?, network: String?, status: ScoreStatus?, value: Double?, low: Double?, high: Double?
            var components: [(name: String, normalized: Double, contribution: Double)] = []
            do throws(JSONCursor.Failure) {
                try cursor.object { cursor, key throws(JSONCursor.Failure) in
                    switch key {
                    case "persona":
                        try cursor.object { cursor, key throws(JSONCursor.Failure) in
                            switch key {
                            case "id": id = try cursor.scalarText()
                            case "network": network = try cursor.scalarText()
                            default: try cursor.skip()
                            }
                        }
                    case "score":
                        try cursor.object { cursor, key throws(JSONCursor.Failure) in
                            switch key {
                            case "status": status = try cursor.scalarText().flatMap(ScoreStatus.init(rawValue:))
                            case "value": value = try cursor.scalarText().flatMap(Double.init)
                            case "interval" where cursor.peek() == UInt8(ascii: "{"):
                                try cursor.object { cursor, key throws(JSONCursor.Failure) in
                                    switch key {
                                    case "low": low = try cursor.scalarText().flatMap(Double.init)
                                    case "high": high = try cursor.scalarText().flatMap(Double.init)
                                    default: try cursor.skip()
                                    }
                                }
                            case "components":
                                try cursor.array { cursor throws(JSONCursor.Failure) in
                                    var name: String?, normalized: Double?, contribution: Double?
                                    try cursor.object { cursor, key throws(JSONCursor.Failure) in
                                        switch key {
                                        case "name": name = try cursor.scalarText()
                                        case "normalized": normalized = try cursor.scalarText().flatMap(Double.init)
                                        case "contribution": contribution = try cursor.scalarText().flatMap(Double.init)
                                        default: try cursor.skip()
                                        }
                                    }
                                    if let name, let normalized { components.append((name, normalized, contribution ?? 0)) }
                                }
                            default: try cursor.skip()
                            }
                        }
                    default: try cursor.skip()
                    }
                }
            } catch {
                return nil
            }
            guard let id, let network, let status else { return nil }
            let interval = low.flatMap { low in high.map { Interval(low: low, high: $0) } }
            return MetricsFile.PersonaRow(persona: id, network: network, status: status, value: value, interval: interval, components: components)
        }
    }

    /// Takes in a cycle's report, then writes the file if the configuration names one and it was
    /// not written in the last `minimumInterval` (unless `force`).
    ///
    /// A persona not scored in this run is shown from its record: the one this cycle's snapshot
    /// passes read, else the store's (one query for all that are left), or, for a record written
    /// before store v8, from its snapshot file.
    mutating func record(_ report: Cycle.Report, configuration: Configuration, store: Store?, logger: Logger, now: Date = Date(),
                         force: Bool = false) {
        personas.merge(report.rows) { $1 }
        for (key, state) in report.states { health[key] = (state.lastSuccess, state.consecutiveFailures) }
        for outcome in report.outcomes { reads[outcome.key] = (outcome.duration, outcome.bytes) }
        let ids = Set(configuration.personas.map(\.id.rawValue))
        personas = personas.filter { ids.contains($0.key) }
        guard let path = configuration.metricsFile else { return }
        if !force, let lastWrite, now.timeIntervalSince(lastWrite) < Self.minimumInterval { return }
        lastWrite = now
        var rows: [MetricsFile.PersonaRow] = []
        var sources: [MetricsFile.SourceRow] = []
        // Personas not scored in this run: from the records the cycle's passes read, then from
        // the store (one query for those left), then from their snapshot files.
        var records = report.records
        let unread = configuration.personas.map(\.id).filter { personas[$0.rawValue] == nil && records[$0] == nil }
        if let store, !unread.isEmpty {
            do {
                records.merge(try store.personaRecords(of: unread)) { $1 }
            } catch {
                logger.warning("\(error); the metrics file reads the snapshot files instead")
            }
        }
        for persona in configuration.personas {
            if personas[persona.id.rawValue] == nil, let record = records[persona.id] {
                personas[persona.id.rawValue] = MetricsFile.PersonaRow(persona: persona.id.rawValue, network: persona.network.rawValue, record: record)
            }
            if personas[persona.id.rawValue] == nil {
                // A snapshot that still stands was not scored in this run: its file says what it says.
                let file = (configuration.snapshotDirectory as NSString).appendingPathComponent("\(persona.id.rawValue).json")
                if let data = FileManager.default.contents(atPath: file), let row = Self.row(from: data) { // unreadable: listed next cycle
                    personas[persona.id.rawValue] = row
                }
            }
            if let row = personas[persona.id.rawValue] { rows.append(row) }
            for source in persona.sources {
                let key = SourceRefresh.key(persona, source)
                let state = health[key]
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
