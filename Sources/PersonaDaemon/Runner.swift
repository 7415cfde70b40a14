import Foundation
import Logging
import PersonaConfig
import PersonaFetch
import PersonaModel
import PersonaScoring
import PersonaStore
import Synchronization
import PersonaSnapshots

/// Runs batches of source refreshes and writes the snapshots they affect. Shared by the
/// long-running daemon and `personad --once`.
///
/// Important: the cost of a cycle is kept proportional to what changed. Source states are read
/// once per cycle and committed in batches (one transaction per `commitEvery` sources); a
/// snapshot whose content is unchanged but for its clock-driven fields is not rewritten unless
/// it is older than `snapshotMaximumAge`, so a poll answered 304 writes no file.
struct Runner: Sendable {
    let pipeline: Pipeline
    let writer: SnapshotWriter
    let logger: Logger
    var store: Store { pipeline.store }

    /// A snapshot whose content did not change is still rewritten this often, so that its
    /// sources' `last_success` and its window never lag by more.
    static let snapshotMaximumAge: TimeInterval = 3600
    static let commitEvery = 500
    static let snapshotsPerWrite = 1000

    /// How many sources are refreshed at once: enough to keep every connection the engine
    /// allows busy (it caps connections itself).
    func parallelism(_ configuration: Configuration) -> Int { max(64, configuration.maximumConnections * 2) }

    struct Report: Sendable {
        var outcomes: [Pipeline.SourceOutcome] = []
        var entries: [SnapshotIndex.Entry] = []
        var failures: [Pipeline.SourceOutcome] { outcomes.filter { $0.error != nil } }
    }

    /// Refreshes `jobs`, then updates the snapshot of every persona they belong to (or of every
    /// persona in `snapshot`, when given).
    func run(_ jobs: [Scheduler.Job], configuration: Configuration, heartbeat: Heartbeat?, snapshot: Set<PersonaID>? = nil) async -> Report {
        var report = Report()
        let clock = ContinuousClock()
        let start = clock.now
        var states: [String: SourceState]
        do {
            states = try store.sourceStates()
        } catch {
            logger.error("\(error)")
            return report
        }
        var pending: [SourceUpdate] = []
        var changed: Set<PersonaID> = []
        func commit() {
            do {
                try store.commit(pending)
            } catch {
                logger.error("\(error)")
            }
            pending.removeAll(keepingCapacity: true)
        }
        let known = states
        await withTaskGroup(of: Pipeline.Refresh.self) { group in
            var iterator = jobs.makeIterator()
            var running = 0
            while running < parallelism(configuration), let job = iterator.next() {
                group.addTask { await pipeline.refresh(job.persona, job.source, configuration: configuration, state: known[job.key]) }
                running += 1
            }
            for await refresh in group {
                heartbeat?.beat()
                report.outcomes.append(refresh.outcome)
                states[refresh.update.state.key] = refresh.update.state
                pending.append(refresh.update)
                if refresh.changed { changed.insert(refresh.outcome.persona) }
                if pending.count >= Self.commitEvery { commit() }
                if let job = iterator.next(), !Task.isCancelled {
                    group.addTask { await pipeline.refresh(job.persona, job.source, configuration: configuration, state: known[job.key]) }
                }
            }
        }
        commit()
        // Abandoned work writes no snapshot: the files on disk stay as they were.
        guard !Task.isCancelled else { return report }
        let refreshed = clock.now
        let touched = snapshot ?? Set(jobs.map(\.persona.id))
        await writeSnapshots(configuration.personas.filter { touched.contains($0.id) }, changed: changed,
                             configuration: configuration, states: states, report: &report)
        logger.debug("cycle: \(jobs.count) sources in \(Self.seconds(refreshed - start)) s, \(changed.count) personas changed, snapshots in \(Self.seconds(clock.now - refreshed)) s")
        return report
    }

    /// A digest of what a persona's configuration says; a persona whose configuration changed is re-scored.
    static func configDigest(_ persona: PersonaConfiguration, _ configuration: Configuration) -> String {
        SnapshotFingerprint.digest("\(persona.network)|\(persona.handle)|\(configuration.window)|"
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
    }

    /// Scores and writes the personas' snapshots. A persona none of whose sources changed, whose
    /// configuration did not change and whose snapshot is younger than `snapshotMaximumAge` is not
    /// even re-scored: its file on disk already says what a new one would.
    ///
    /// The others are scored, encoded and staged to temporary files in chunks, each chunk spread
    /// over the cores (scoring is pure; the store's reads run concurrently); all are then published
    /// with one file-system sync, and only then recorded as written.
    private func writeSnapshots(_ personas: [PersonaConfiguration], changed: Set<PersonaID>, configuration: Configuration,
                                states: [String: SourceState], report: inout Report) async {
        let now = Date()
        let records = (try? store.personaRecords()) ?? [:]
        var entries: [SnapshotIndex.Entry] = []
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
                entries.append(result.entry)
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
        }
        if !due.isEmpty {
            logger.debug("snapshots: \(due.count) scored in \(Self.seconds(scoring)) s, staged in \(Self.seconds(staging)) s, published in \(Self.seconds(clock.now - publishing)) s")
        }
        report.entries = entries
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
            (snapshot, score) = try pipeline.snapshot(of: persona, configuration: configuration, states: states, now: now)
        } catch {
            logger.error("persona \(persona.id): cannot compute its snapshot: \(error)")
            return nil
        }
        // The history holds a score each time it changed. "What moved" compares with the entry
        // before the current score: the latest one if this score differs from it.
        let recent = (try? store.recentHistory(persona: persona.id, limit: 2)) ?? []
        let scoreChanged = recent.first.map {
            $0.value != score.value || $0.status != score.status || $0.formulaVersion != score.formulaVersion
        } ?? true
        snapshot.score.previous = scoreChanged ? recent.first : recent.dropFirst().first
        let fingerprint = SnapshotFingerprint.of(snapshot)
        let path = (writer.directory as NSString).appendingPathComponent(fileName)
        let fresh = previous.map { Self.stillStands($0, persona: persona, configuration: configuration, path: path, now: now) } ?? false
        var result = Scored(entry: SnapshotIndex.Entry(
            id: persona.id.rawValue, network: persona.network, file: fileName,
            score: snapshot.score.value, status: snapshot.score.status, generatedAt: now))
        if let previous, fresh, previous.fingerprint == fingerprint {
            result.entry.generatedAt = previous.writtenAt // unchanged: the file on disk says the same
            return result
        }
        do {
            result.staged = try writer.stage(snapshot, fileName: fileName)
        } catch {
            logger.error("persona \(persona.id): cannot write its snapshot: \(error)")
            return nil
        }
        result.record = PersonaRecord(
            fingerprint: fingerprint, configDigest: Self.configDigest(persona, configuration), writtenAt: now,
            scoreValue: snapshot.score.value, scoreStatus: snapshot.score.status.rawValue, formulaVersion: score.formulaVersion)
        if scoreChanged { result.history = Store.HistoryEntry(persona: persona.id, generatedAt: now, score: score) }
        return result
    }

    /// Recomputes, with the current formula, every history entry another formula computed, so that a
    /// persona's history never splices two formulas. Each point is scored as of its own time from the
    /// stored observations (posts as last observed; see Docs/scoring.md).
    func recomputeHistory(configuration: Configuration) {
        let stale: [PersonaID: [Date]]
        do {
            stale = try store.historyPoints(otherThan: ScoreModel.formulaVersion)
        } catch {
            logger.error("\(error)")
            return
        }
        guard !stale.isEmpty else { return }
        let states = (try? store.sourceStates()) ?? [:]
        for persona in configuration.personas {
            guard let points = stale[persona.id] else { continue }
            do {
                var entries: [(generatedAt: Date, score: Score)] = []
                for point in points {
                    let score = try pipeline.score(of: persona, configuration: configuration, states: states, at: point)
                    // Like the live history, an entry is kept only where the score changed.
                    if let last = entries.last?.score, last.value == score.value, last.status == score.status { continue }
                    entries.append((point, score))
                }
                try store.replaceHistory(persona: persona.id, formulaVersion: ScoreModel.formulaVersion, entries: entries)
                logger.notice("persona \(persona.id): score history recomputed with formula \(ScoreModel.formulaVersion): \(points.count) entries became \(entries.count)")
            } catch {
                logger.error("persona \(persona.id): cannot recompute its score history: \(error)")
            }
        }
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.3f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    static func fileName(_ id: PersonaID) -> String { "\(id.rawValue).json" }
}

/// The time of the main loop's last sign of progress, for the systemd watchdog.
final class Heartbeat: Sendable {
    private let last = Mutex(ContinuousClock.now)

    func beat() { last.withLock { $0 = .now } }

    var age: Duration { last.withLock { ContinuousClock.now - $0 } }
}
