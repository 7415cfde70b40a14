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
/// once per cycle and committed in batches (one transaction per `commitEvery` sources), each
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
        /// Every source's state after the cycle.
        var states: [String: SourceState] = [:]
        var failures: [SourceRefresh.Outcome] { outcomes.filter { $0.error != nil } }
        /// Personas whose new snapshot could not be written (disk full, read-only…).
        var writeFailures: [(persona: PersonaID, error: String)] = []
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
        await withTaskGroup(of: SourceRefresh.Result.self) { group in
            var iterator = jobs.makeIterator()
            var running = 0
            while running < parallelism(configuration), let job = iterator.next() {
                group.addTask { await refresh.refresh(job.persona, job.source, configuration: configuration, state: known[job.key]) }
                running += 1
            }
            for await result in group {
                heartbeat?.beat()
                report.outcomes.append(result.outcome)
                states[result.update.state.key] = result.update.state
                pending.append(result.update)
                if result.changed { changed.insert(result.outcome.persona) }
                if pending.count >= Self.commitEvery { commit() }
                if let job = iterator.next(), !Task.isCancelled {
                    group.addTask { await refresh.refresh(job.persona, job.source, configuration: configuration, state: known[job.key]) }
                }
            }
        }
        commit()
        // Abandoned work writes no snapshot: the files on disk stay as they were.
        guard !Task.isCancelled else { return report }
        let refreshed = clock.now
        let touched = snapshot ?? Set(jobs.map(\.persona.id))
        let output = await snapshots.run(configuration.personas.filter { touched.contains($0.id) }, changed: changed,
                                         configuration: configuration, states: states)
        report.entries = output.entries
        report.writeFailures = output.writeFailures
        report.rows = output.rows
        report.states = states
        logger.debug("cycle: \(jobs.count) sources in \(Cycle.seconds(refreshed - start)) s, \(changed.count) personas changed, snapshots in \(Cycle.seconds(clock.now - refreshed)) s")
        return report
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.3f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}
