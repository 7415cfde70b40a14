import Foundation
import Logging
import PersonaConfig
import PersonaModel
import PersonaSnapshots
import PersonaStore
#if canImport(Glibc)
import Glibc
#endif

/// The state the main loop owns: the configuration in force, the schedule, the index.
/// Used from one task only.
final class MainLoop: @unchecked Sendable {
    // @unchecked: every stored var is touched only by `serve`, which runs on a single task.
    var configuration: Configuration
    var scheduler: Scheduler
    var index: [String: SnapshotIndex.Entry] = [:]
    var metrics = MetricsState()
    /// When the history's retention last ran (at start, then every `HistoryRetention.every`).
    var retentionRan = Date.distantPast
    let cycle: Cycle
    let notifier: SystemdNotifier
    let logger: Logger
    let heartbeat: Heartbeat

    init(configuration: Configuration, states: [String: SourceState], cycle: Cycle, notifier: SystemdNotifier, logger: Logger, heartbeat: Heartbeat) {
        self.configuration = configuration
        self.scheduler = Scheduler(configuration: configuration, states: states)
        self.cycle = cycle
        self.notifier = notifier
        self.logger = logger
        self.heartbeat = heartbeat
    }

    /// Sources being read by a cycle that has not finished: never started twice at once.
    var inFlight: Set<String> = []

    /// Serves events until the task is cancelled. Due sources are read by cycles that run beside
    /// the loop (`post` hands each report back as `.finished`), so a slow server never holds up a
    /// reload, a refresh or the next due sources; only the first pass, before READY=1, is awaited.
    func serve(_ events: AsyncStream<Daemon.Event>, post: @escaping @Sendable (Daemon.Event) -> Void) async {
        // Every persona gets a snapshot before READY=1, from the store if none of its sources is due yet.
        let jobs = scheduler.dueJobs(at: Date())
        retain(at: Date())
        finish(await cycle.run(jobs, configuration: configuration, heartbeat: heartbeat, snapshot: Set(configuration.personas.map(\.id))))
        notifier.notify("READY=1\nSTATUS=\(status())")
        logger.info("ready: \(status())")
        // The loop sleeps until something is due: no periodic tick (`WakeTimer`).
        let timer = WakeTimer(post: post)
        defer { timer.cancel() }
        armTimer(timer)
        // Discarding: a finished cycle's task is released at once (a plain task group keeps every
        // finished child until it is awaited, which this loop never does: memory grew with each cycle).
        await withDiscardingTaskGroup { group in
            for await event in events {
                guard !Task.isCancelled else { break }
                heartbeat.beat()
                defer { armTimer(timer) }
                switch event {
                case .ping:
                    break
                case .tick:
                    timer.fired()
                    startDue(in: &group, post: post)
                case .refresh:
                    logger.info("SIGUSR1: refreshing every persona")
                    scheduler.makeAllDue(at: Date())
                    startDue(in: &group, post: post)
                case .reload:
                    reload()
                    startDue(in: &group, post: post)
                case .finished(let report):
                    finish(report)
                }
            }
            group.cancelAll()
        }
    }

    /// Starts a cycle over the sources due now that no running cycle is reading.
    private func startDue(in group: inout DiscardingTaskGroup, post: @escaping @Sendable (Daemon.Event) -> Void) {
        let now = Date()
        retain(at: now)
        let jobs = scheduler.dueJobs(at: now).filter { !inFlight.contains($0.key) }
        guard !jobs.isEmpty else { return }
        let keys = Set(jobs.map(\.key))
        inFlight.formUnion(keys)
        let cycle = self.cycle, configuration = self.configuration, heartbeat = self.heartbeat
        group.addTask {
            // Sources done while others of the cycle still run are handed back as they finish:
            // rescheduled, and free to be started again by a later cycle.
            let report = await cycle.run(jobs, configuration: configuration, heartbeat: heartbeat) { partial in
                post(.finished(partial))
            }
            post(.finished(report))
        }
    }

    /// The timer wakes the loop when the next source not being read is due, or the history's
    /// retention is; a source being read is rescheduled by its report, which arms it again.
    private func armTimer(_ timer: WakeTimer) {
        let retention = retentionRan.addingTimeInterval(HistoryRetention.every)
        timer.arm(at: min(scheduler.nextDue(excluding: inFlight) ?? retention, retention))
    }

    private func retain(at now: Date) {
        guard now.timeIntervalSince(retentionRan) >= HistoryRetention.every else { return }
        cycle.retention.run(configuration: configuration, now: now)
        retentionRan = now
    }

    /// Takes a finished cycle's report into the schedule, the index and the metrics.
    ///
    /// Important: the cycle may have started under an earlier configuration. A persona removed
    /// since keeps no index entry, and the snapshot the cycle wrote for it is removed again.
    private func finish(_ report: Cycle.Report) {
        inFlight.subtract(report.released)
        guard !Task.isCancelled else { return }
        for outcome in report.outcomes { scheduler.reschedule(outcome.key, at: outcome.nextAttempt) }
        let configured = Set(configuration.personas.map(\.id.rawValue))
        for entry in report.entries {
            guard configured.contains(entry.id) else {
                removeSnapshot(of: entry.id)
                continue
            }
            // Overlapping cycles may finish out of order: the newer snapshot's entry stands.
            if let current = index[entry.id], current.generatedAt > entry.generatedAt { continue }
            index[entry.id] = entry
        }
        writeIndex()
        metrics.record(report, configuration: configuration, store: cycle.store, logger: logger)
        notifier.notify("STATUS=\(status())")
    }

    private func reload() {
        notifier.notify("RELOADING=1\nSTATUS=reloading \(configuration.file)")
        do throws(ConfigError) {
            var next = try ConfigLoader.load(path: configuration.file)
            for (name, old, new) in [("state_directory", configuration.stateDirectory, next.stateDirectory),
                                     ("snapshot_directory", configuration.snapshotDirectory, next.snapshotDirectory),
                                     ("pid_file", configuration.pidFile, next.pidFile)] where old != new {
                logger.warning("reload: \(name) changed to \(new); it takes effect after a restart, keeping \(old)")
            }
            next.stateDirectory = configuration.stateDirectory
            next.snapshotDirectory = configuration.snapshotDirectory
            next.pidFile = configuration.pidFile
            let kept = Set(next.personas.map(\.id.rawValue))
            for id in index.keys where !kept.contains(id) {
                index[id] = nil
                removeSnapshot(of: id)
                logger.info("reload: persona \(id) removed")
            }
            applyLimits(next)
            configuration = next
            let changed = scheduler.apply(next, now: Date())
            logger.info("reload: configuration re-read from \(next.file); \(changed.count) sources new or changed")
            // The status says the reload is done (systemd shows the last STATUS until the next one).
            notifier.notify("READY=1\nSTATUS=" + Self.oneLine("reloaded \(next.file); \(status())"))
            writeIndex()
        } catch {
            logger.error("reload failed, keeping the configuration in force: \(error)")
            notifier.notify("READY=1\nSTATUS=" + Self.oneLine("reload failed: \(error); \(status())"))
        }
    }

    /// A removed persona's snapshot goes with it: `index.json` no longer lists it, and a reader
    /// that opens its file by name finds none rather than a score that is no longer kept.
    private func removeSnapshot(of id: String) {
        let path = (configuration.snapshotDirectory as NSString).appendingPathComponent("\(id).json")
        guard unlink(path) == 0 || errno == ENOENT else {
            logger.warning("reload: persona \(id) removed, but its snapshot \(path) could not be deleted: \(String(cString: strerror(errno)))")
            return
        }
    }

    /// `max_connections` and `max_per_host` apply at once: running transfers finish, new ones
    /// are attached under the new caps.
    private func applyLimits(_ next: Configuration) {
        guard next.maximumConnections != configuration.maximumConnections || next.maximumPerHost != configuration.maximumPerHost else { return }
        cycle.engine.setLimits(maximumConcurrent: next.maximumConnections, maximumPerHost: next.maximumPerHost)
        logger.info("reload: max_connections \(configuration.maximumConnections) → \(next.maximumConnections), max_per_host \(configuration.maximumPerHost) → \(next.maximumPerHost), applied")
    }

    private func writeIndex() {
        let entries = index.values.sorted { $0.id < $1.id }
        do {
            try cycle.writer.write(SnapshotIndex(generatedAt: Date(), personas: entries))
        } catch {
            logger.error("cannot write index.json: \(error)")
        }
    }

    /// A `STATUS=` value is one line of the notification: a newline in it would end it early.
    /// systemd 252 reads a backslash in a notification as an escape and drops it (a parser's
    /// `saw '\n'` became `saw 'n'` under a real systemd), so a backslash is written as U+FF3C
    /// (＼), which reads the same and is never interpreted. The journal keeps the exact text.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ").replacingOccurrences(of: "\\", with: "\u{FF3C}")
    }

    /// One line for `systemctl status`: counts by state, side by side; never a combined score.
    func status() -> String {
        var counts: [ScoreStatus: Int] = [:]
        for entry in index.values { counts[entry.status, default: 0] += 1 }
        let parts = ScoreStatus.allCases.compactMap { status in counts[status].map { "\($0) \(status.rawValue)" } }
        return "\(configuration.personas.count) personas" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
    }
}
