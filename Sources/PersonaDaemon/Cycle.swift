import Foundation
import Logging
import PersonaConfig
import PersonaFetch
import PersonaModel
import PersonaSnapshots
import PersonaStore

/// One cycle of the daemon: refresh a batch of due sources (`SourceRefresh`, many at once), commit
/// what they read, then run the snapshot pass over the personas they belong to. Shared by the
/// long-running daemon (`MainLoop`) and `personad --once`.
///
/// Important: the cost of a cycle is kept proportional to what changed. Source states are read
/// once per cycle (only those of its personas' sources) and committed in batches (one transaction per `commitEvery` sources), each
/// source's posts in the same transaction as the state that says they were read.
struct Cycle: Sendable {
    let refresh: SourceRefresh
    let snapshots: SnapshotPass
    let history: HistoryRecompute
    let retention: HistoryRetention
    let logger: Logger
    var store: Store { snapshots.store }
    var writer: SnapshotWriter { snapshots.writer }
    var engine: FetchEngine { refresh.polls.engine }

    static let commitEvery = 500

    init(store: Store, engine: FetchEngine, writer: SnapshotWriter, logger: Logger) {
        refresh = SourceRefresh(store: store, engine: engine, logger: logger)
        let scorer = PersonaScorer(store: store)
        snapshots = SnapshotPass(scorer: scorer, store: store, writer: writer, logger: logger)
        history = HistoryRecompute(scorer: scorer, store: store, logger: logger)
        retention = HistoryRetention(store: store, logger: logger)
        self.logger = logger
    }

    /// How many sources are refreshed at once: enough to keep every connection the engine
    /// allows busy (it caps connections itself).
    func parallelism(_ configuration: Configuration) -> Int { max(64, configuration.maximumConnections * 2) }

    struct Report: Sendable {
        var outcomes: [SourceRefresh.Outcome] = []
        var entries: [SnapshotIndex.Entry] = []
        /// The metrics rows of the personas scored in this cycle.
        var rows: [String: MetricsFile.PersonaRow] = [:]
        /// The store's records of the personas whose snapshots this cycle's passes looked at.
        var records: [PersonaID: PersonaRecord] = [:]
        /// The states of the cycle's sources and of the other sources of its personas, after the cycle.
        var states: [String: SourceState] = [:]
        var failures: [SourceRefresh.Outcome] { outcomes.filter { $0.error != nil } }
        /// Personas whose new snapshot could not be written (disk full, read-only…).
        var writeFailures: [(persona: PersonaID, error: String)] = []
        /// The sources this report releases: a partial report's finished ones; the last report,
        /// every job of the cycle not released before (those abandoned on cancellation too).
        /// Important: never a key released earlier, which a later cycle may be reading again.
        var released: Set<String> = []
    }

    /// The states of these personas' sources (those with one), from `states`.
    static func states(of personas: [PersonaConfiguration], in states: [String: SourceState]) -> [String: SourceState] {
        Self.states(of: personas.flatMap { persona in persona.sources.map { SourceRefresh.key(persona, $0) } }, in: states)
    }

    static func states(of keys: [String], in states: [String: SourceState]) -> [String: SourceState] {
        var found: [String: SourceState] = [:]
        found.reserveCapacity(keys.count)
        for key in keys { found[key] = states[key] }
        return found
    }

    /// How long finished personas wait for a snapshot while other sources of the cycle are still
    /// being read: a slow or silent server (up to its `timeout`) holds back only its own persona.
    static let flushEvery: Duration = .seconds(1)

    private enum Child: Sendable {
        case refreshed(SourceRefresh.Result)
        case flush
        /// A snapshot pass over finished personas, run beside the transfers, is done.
        case written(SnapshotPass.Output, Set<PersonaID>)
    }

    /// Refreshes `jobs`, then updates the snapshot of every persona they belong to (or of every
    /// persona in `snapshot`, when given).
    ///
    /// A persona's snapshot is written once all of its sources in this cycle have been read:
    /// while any transfer is still running, the personas finished so far are committed and written
    /// every `flushEvery`, so one slow server never delays the others' snapshots. The rest are
    /// written at the end, in one pass. With `progress`, each flush hands over what it did (the
    /// sources' outcomes and the snapshots' index entries) and the returned report holds only the
    /// rest; without it, the returned report holds everything.
    ///
    /// Important: cycles may overlap (the daemon starts due sources while a slow one is still
    /// running), but never over the same source. The states a snapshot shows are read again from
    /// the store when another cycle committed since this one read them.
    func run(_ jobs: [Scheduler.Job], configuration: Configuration, heartbeat: Heartbeat?, snapshot: Set<PersonaID>? = nil,
             progress: (@Sendable (Report) -> Void)? = nil) async -> Report {
        var report = Report()
        let clock = ContinuousClock()
        let start = clock.now
        // The states this cycle needs: its sources' and those of every persona it may snapshot
        // (a snapshot shows all of a persona's sources). A cycle over a few due sources of a large
        // configuration reads a few rows, not every source's.
        let personaIDs = Set(jobs.map(\.persona.id)).union(snapshot ?? [])
        let needed = Set(jobs.map(\.key)).union(configuration.personas.filter { personaIDs.contains($0.id) }
            .flatMap { persona in persona.sources.map { SourceRefresh.key(persona, $0) } })
        let everySource = needed.count >= configuration.personas.reduce(0) { $0 + $1.sources.count }
        func readStates() throws(StoreError) -> [String: SourceState] {
            everySource ? try store.sourceStates() : try store.sourceStates(of: needed)
        }
        var states: [String: SourceState]
        do {
            states = try readStates()
        } catch {
            logger.error("\(error)")
            report.released = Set(jobs.map(\.key))
            return report
        }
        var pending: [SourceUpdate] = []
        var changed: Set<PersonaID> = []
        var remaining: [PersonaID: Int] = [:]
        for job in jobs { remaining[job.persona.id, default: 0] += 1 }
        var finished: Set<PersonaID> = []
        var written: Set<PersonaID> = []
        var released: Set<String> = []
        func commit() {
            guard !pending.isEmpty else { return }
            let before = store.sourceCommitCount
            do {
                try store.commit(pending)
            } catch {
                logger.error("\(error)")
            }
            pending.removeAll(keepingCapacity: true)
            guard store.sourceCommitCount != before + 1 else { return }
            do {
                states = try readStates()
            } catch {
                logger.error("\(error); snapshots show this cycle's states of the sources")
            }
        }
        func record(_ output: SnapshotPass.Output, _ ids: Set<PersonaID>) {
            report.entries += output.entries
            report.writeFailures += output.writeFailures
            report.rows.merge(output.rows) { $1 }
            report.records.merge(output.records) { $1 }
            written.formUnion(ids)
        }
        func writeSnapshots(_ ids: Set<PersonaID>) async {
            let personas = configuration.personas.filter { ids.contains($0.id) }
            guard !personas.isEmpty else { return }
            record(await snapshots.run(personas, changed: changed, configuration: configuration, states: states), ids)
        }
        /// The personas of the snapshot pass running beside the transfers (one at a time), if any.
        var passing: Set<PersonaID> = []
        await withTaskGroup(of: Child.self) { group in
            var iterator = jobs.makeIterator()
            var running = 0
            @discardableResult
            func startNext() -> Bool {
                guard !Task.isCancelled, let job = iterator.next() else { return false }
                // Looked up here, not in the task: a task holding the dictionary would make the
                // next update below copy it whole (each source is read once a cycle, so the state
                // found now is the one stored before the cycle).
                let state = states[job.key]
                group.addTask { .refreshed(await refresh.refresh(job.persona, job.source, configuration: configuration, state: state)) }
                running += 1
                return true
            }
            func scheduleFlush() {
                // A cancelled sleep (the cycle ended or is abandoned) returns at once.
                group.addTask { try? await Task.sleep(for: Self.flushEvery); return .flush }
            }
            while running < parallelism(configuration), startNext() {}
            if running > 0 { scheduleFlush() }
            for await child in group {
                switch child {
                case .flush:
                    guard running > 0, !Task.isCancelled else { continue }
                    // The pass runs as a child beside the transfers: awaited here, it stopped this
                    // loop from starting sources for its whole length (fetching and scoring took
                    // turns instead of sharing the cores).
                    if !finished.isEmpty, passing.isEmpty {
                        commit()
                        let ids = finished, changed = changed
                        let personas = configuration.personas.filter { ids.contains($0.id) }
                        // The pass's own states: handing it the cycle's whole dictionary made the
                        // next update copy every source's state while the pass ran.
                        let states = Self.states(of: personas, in: states)
                        finished.removeAll()
                        if !personas.isEmpty {
                            passing = ids
                            group.addTask {
                                .written(await snapshots.run(personas, changed: changed, configuration: configuration, states: states), ids)
                            }
                        }
                    }
                    if let progress, !report.outcomes.isEmpty {
                        commit()
                        // A source is handed back only once its persona's snapshot is written:
                        // released while the pass runs, it could be read again (a SIGUSR1 makes
                        // every source due) and its persona scored by two passes at once.
                        let held = report.outcomes.filter { passing.contains($0.persona) }
                        report.outcomes.removeAll { passing.contains($0.persona) }
                        if !report.outcomes.isEmpty {
                            report.states = Self.states(of: report.outcomes.map(\.key), in: states)
                            report.released = Set(report.outcomes.map(\.key))
                            released.formUnion(report.released)
                            progress(report)
                            report = Report()
                        }
                        report.outcomes = held
                    }
                    scheduleFlush()
                case .written(let output, let ids):
                    passing = []
                    record(output, ids)
                case .refreshed(let result):
                    running -= 1
                    heartbeat?.beat()
                    report.outcomes.append(result.outcome)
                    states[result.update.state.key] = result.update.state
                    pending.append(result.update)
                    if result.changed { changed.insert(result.outcome.persona) }
                    remaining[result.outcome.persona, default: 1] -= 1
                    if remaining[result.outcome.persona] == 0 { finished.insert(result.outcome.persona) }
                    if pending.count >= Self.commitEvery { commit() }
                    startNext()
                    if running == 0 { group.cancelAll() }
                }
            }
        }
        commit()
        report.released = Set(jobs.map(\.key)).subtracting(released)
        // Abandoned work writes no snapshot: the files on disk stay as they were.
        guard !Task.isCancelled else { return report }
        let refreshed = clock.now
        let touched = (snapshot ?? Set(jobs.map(\.persona.id))).subtracting(written)
        await writeSnapshots(touched)
        report.states = states
        logger.debug("cycle: \(jobs.count) sources in \(Cycle.seconds(refreshed - start)) s, \(changed.count) personas changed, snapshots in \(Cycle.seconds(clock.now - refreshed)) s")
        return report
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.3f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}
