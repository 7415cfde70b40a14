import Foundation
import Logging
import PersonaConfig
import PersonaModel
import PersonaScoring
import PersonaSnapshots
import PersonaStore

/// The snapshot pass of a cycle: scores the personas whose sources changed (or whose snapshot is
/// due), stages the files whose content changed, publishes them together and records what was
/// written, with a history entry for each score that moved.
///
/// Important: a snapshot whose content is unchanged but for its clock-driven fields (its
/// `SnapshotFingerprint` is the same) is not rewritten unless it is older than
/// `snapshotMaximumAge`, so a poll answered 304 writes no file.
struct SnapshotPass: Sendable {
    let scorer: PersonaScorer
    let store: Store
    let writer: SnapshotWriter
    let logger: Logger

    /// A snapshot whose content did not change is still rewritten this often, so that its
    /// sources' `last_success` and its window never lag by more.
    static let snapshotMaximumAge: TimeInterval = 3600
    static let snapshotsPerWrite = 1000

    /// A digest of what a persona's configuration says; a persona whose configuration changed is re-scored.
    static func configDigest(_ persona: PersonaConfiguration, _ configuration: Configuration) -> String {
        SnapshotFingerprint.digest("\(persona.network)|\(persona.handle)|\(configuration.window(for: persona))|"
            + persona.sources.map { "\($0.kind):\($0.location)" }.joined(separator: ","))
    }

    /// What scoring one persona produced, for the sequential part of the snapshot pass.
    struct Scored: Sendable {
        var entry: SnapshotIndex.Entry
        /// Set when the snapshot says something new: its staged file, and what to record once it
        /// is published.
        var record: PersonaRecord?
        var staged: SnapshotWriter.StagedFile?
        /// Set when the score changed: a new history entry, encoded.
        var history: Store.HistoryEntry?
        /// What the metrics file says of the persona.
        var row: MetricsFile.PersonaRow?
        /// Set when its new snapshot could not be written: the file on disk is the last good one.
        var writeError: String?
        /// False when there is no file to list in the index (never written).
        var indexed = true
    }

    /// What a pass produced: an index entry per persona, and the metrics rows of those it scored.
    struct Output: Sendable {
        var entries: [SnapshotIndex.Entry] = []
        var rows: [String: MetricsFile.PersonaRow] = [:]
        /// Personas whose new snapshot could not be written, and why.
        var writeFailures: [(persona: PersonaID, error: String)] = []
        /// The store's records of the pass's personas as it found them (those written by the pass
        /// have a row above): what the metrics file shows of a snapshot that still stands.
        var records: [PersonaID: PersonaRecord] = [:]
    }

    /// Scores and writes the personas' snapshots. A persona none of whose sources changed, whose
    /// configuration did not change and whose snapshot is younger than `snapshotMaximumAge` is not
    /// even re-scored: its file on disk already says what a new one would.
    ///
    /// The others are scored, encoded and staged to temporary files in chunks, each chunk spread
    /// over the cores (scoring is pure; the store's reads run concurrently); all are then published
    /// with one file-system sync, and only then recorded as written.
    func run(_ personas: [PersonaConfiguration], changed: Set<PersonaID>, configuration: Configuration,
             states: [String: SourceState]) async -> Output {
        let now = Date()
        let records: [PersonaID: PersonaRecord]
        do {
            records = try store.personaRecords(of: personas.map(\.id))
        } catch {
            // Without the records every persona is re-scored and its file rewritten: slower, never wrong.
            logger.error("\(error); every persona's snapshot is rewritten")
            records = [:]
        }
        var entries: [SnapshotIndex.Entry] = []
        var rows: [String: MetricsFile.PersonaRow] = [:]
        var due: [PersonaConfiguration] = []
        for persona in personas {
            let fileName = Self.fileName(persona.id)
            let path = (writer.directory as NSString).appendingPathComponent(fileName)
            if let previous = records[persona.id], !changed.contains(persona.id),
               Self.stillStands(previous, persona: persona, configuration: configuration, path: path, now: now),
               let status = ScoreStatus(rawValue: previous.scoreStatus) {
                entries.append(SnapshotIndex.Entry(id: persona.id.rawValue, network: persona.network, file: fileName,
                                                   score: previous.scoreValue, status: status, generatedAt: previous.writtenAt))
            } else {
                due.append(persona)
            }
        }
        let staged = SnapshotWriter.Staged()
        var written: [PersonaID: PersonaRecord] = [:]
        var failures: [(persona: PersonaID, error: String)] = []
        let clock = ContinuousClock()
        var scoring = Duration.zero, staging = Duration.zero
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var start = 0
        while start < due.count {
            let chunk = Array(due[start..<min(due.count, start + Self.snapshotsPerWrite)])
            start += chunk.count
            let began = clock.now
            let results = await withTaskGroup(of: [Scored].self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        stride(from: worker, to: chunk.count, by: workers).compactMap { index in
                            score(chunk[index], previous: records[chunk[index].id], configuration: configuration, states: states, now: now)
                        }
                    }
                }
                return await group.reduce(into: [Scored]()) { $0 += $1 }
            }
            let scored = clock.now
            scoring += scored - began
            defer { staging += clock.now - scored }
            var history: [Store.HistoryEntry] = []
            var chunkRecords: [PersonaID: PersonaRecord] = [:]
            for result in results {
                if result.indexed { entries.append(result.entry) }
                if let error = result.writeError, let id = PersonaID(rawValue: result.entry.id) { failures.append((id, error)) }
                if let row = result.row { rows[result.entry.id] = row }
                if let file = result.staged, let record = result.record, let id = PersonaID(rawValue: result.entry.id) {
                    staged.add(file)
                    chunkRecords[id] = record
                }
                if let entry = result.history { history.append(entry) }
            }
            do {
                try store.commit(records: [:], history: history)
                written.merge(chunkRecords) { $1 }
            } catch {
                logger.error("cannot write snapshots: \(error)")
            }
        }
        let publishing = clock.now
        do {
            try writer.publish(staged)
            try store.commit(records: written, scores: [])
        } catch {
            logger.error("cannot write snapshots: \(error)")
            failures += written.keys.map { ($0, "\(error)") }
        }
        // A persona whose new snapshot was not written must not keep a record saying its file is
        // current: the store already holds the data the file lacks. Forgotten, it is re-scored and
        // written at the next pass (when the disk has room again, or is writable).
        if !failures.isEmpty {
            do {
                try store.forgetRecords(failures.map(\.persona))
            } catch {
                logger.error("\(error); those personas' snapshots are rewritten when their data next changes")
            }
        }
        if !due.isEmpty {
            logger.debug("snapshots: \(due.count) scored in \(Cycle.seconds(scoring)) s, staged in \(Cycle.seconds(staging)) s, published in \(Cycle.seconds(clock.now - publishing)) s")
        }
        return Output(entries: entries, rows: rows, writeFailures: failures, records: records)
    }

    /// The file on disk still stands for this configuration and formula, and is young enough to keep.
    static func stillStands(_ previous: PersonaRecord, persona: PersonaConfiguration, configuration: Configuration,
                            path: String, now: Date) -> Bool {
        previous.configDigest == configDigest(persona, configuration) && previous.formulaVersion == ScoreModel.formulaVersion
            && now.timeIntervalSince(previous.writtenAt) < snapshotMaximumAge && FileManager.default.fileExists(atPath: path)
    }

    /// Scores one persona and, if its snapshot says something new, stages its file.
    private func score(_ persona: PersonaConfiguration, previous: PersonaRecord?, configuration: Configuration,
                       states: [String: SourceState], now: Date) -> Scored? {
        let fileName = Self.fileName(persona.id)
        var snapshot: PersonaSnapshot
        let score: Score
        do {
            (snapshot, score) = try scorer.snapshot(of: persona, configuration: configuration, states: states, now: now)
        } catch {
            logger.error("persona \(persona.id): cannot compute its snapshot: \(error)")
            return nil
        }
        // The history holds a score each time it changed. "What moved" compares with the entry
        // before the current score: the latest one if this score differs from it.
        let recent: [PersonaSnapshot.PreviousScore]
        do {
            recent = try store.recentHistory(persona: persona.id, limit: 2)
        } catch {
            logger.error("persona \(persona.id): cannot read its score history, its snapshot stays as it was: \(error)")
            return nil
        }
        let scoreChanged = recent.first.map {
            $0.value != score.value || $0.status != score.status || $0.formulaVersion != score.formulaVersion
        } ?? true
        snapshot.score.previous = scoreChanged ? recent.first : recent.dropFirst().first
        let prepared = SnapshotJSON.Prepared(snapshot)
        let fingerprint = prepared.fingerprint
        let path = (writer.directory as NSString).appendingPathComponent(fileName)
        let fresh = previous.map { Self.stillStands($0, persona: persona, configuration: configuration, path: path, now: now) } ?? false
        var result = Scored(entry: SnapshotIndex.Entry(
            id: persona.id.rawValue, network: persona.network, file: fileName,
            score: snapshot.score.value, status: snapshot.score.status, generatedAt: now), row: MetricsFile.PersonaRow(snapshot))
        if let previous, fresh, previous.fingerprint == fingerprint {
            result.entry.generatedAt = previous.writtenAt // unchanged: the file on disk says the same
            return result
        }
        do {
            result.staged = try writer.stage(prepared.data, fileName: fileName)
        } catch {
            logger.error("persona \(persona.id): cannot write its snapshot, the last good one stays: \(error)")
            // The index keeps pointing at the file on disk, as it was written; with none, the persona is left out.
            result.writeError = "\(error)"
            if let previous, let status = ScoreStatus(rawValue: previous.scoreStatus) {
                result.entry.score = previous.scoreValue
                result.entry.status = status
                result.entry.generatedAt = previous.writtenAt
            } else {
                result.indexed = false
            }
            return result
        }
        result.record = PersonaRecord(
            fingerprint: fingerprint, configDigest: Self.configDigest(persona, configuration), writtenAt: now,
            scoreValue: snapshot.score.value, scoreStatus: snapshot.score.status.rawValue, formulaVersion: score.formulaVersion,
            metrics: result.row?.stored)
        if scoreChanged { result.history = Store.HistoryEntry(persona: persona.id, generatedAt: now, score: score) }
        return result
    }

    static func fileName(_ id: PersonaID) -> String { "\(id.rawValue).json" }
}
