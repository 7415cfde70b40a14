import Foundation
import Logging
import PersonaConfig
import PersonaFetch
import PersonaModel
import PersonaStore
import ServiceLifecycle
import Synchronization
import UnixSignals
import PersonaSnapshots

/// The long-running daemon, as a swift-service-lifecycle `Service`.
///
/// Control flow, in order: trap SIGHUP and SIGUSR1; open the store and the snapshot directory;
/// write the PID file; run the first cycle; send `READY=1`; then serve events (a one-second tick
/// that runs due sources, SIGUSR1 to refresh everything, SIGHUP to reload) until a graceful
/// shutdown (SIGTERM/SIGINT via the `ServiceGroup`) cancels in-flight work.
///
/// Important: the signal sequence is created before `READY=1` and before the PID file exists,
/// because the default action of SIGHUP and SIGUSR1 is to kill the process.
public final class Daemon: Service {
    public static let version = "0.1.0"

    let initial: Configuration
    let logger: Logger
    let notifier: SystemdNotifier

    public init(configuration: Configuration, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.initial = configuration
        self.logger = logger
        self.notifier = SystemdNotifier(environment: environment)
    }

    enum Event: Sendable { case tick, refresh, reload }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup, .sigusr1)
        let configuration = initial
        let (store, writer) = try Self.open(configuration)
        let engine = Self.engine(configuration)
        defer { engine.shutdown() }
        let states = (try? store.sourceStates()) ?? [:]
        Self.restoreGates(store, configuration: configuration, engine: engine)
        let runner = Runner(pipeline: Pipeline(store: store, engine: engine, logger: logger), writer: writer, logger: logger)
        runner.recomputeHistory(configuration: configuration)
        let pidFile = PidFile(path: configuration.pidFile)
        do {
            try pidFile.write()
        } catch {
            throw PipelineError("\(configuration.pidFile): cannot write the PID file (\(error.localizedDescription))")
        }
        defer { pidFile.remove() }
        let (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(32))
        let heartbeat = Heartbeat()
        let notifier = self.notifier
        let logger = self.logger
        let loop = MainLoop(configuration: configuration, states: states, runner: runner, notifier: notifier, logger: logger, heartbeat: heartbeat)

        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await signal in signals {
                        continuation.yield(signal == .sighup ? .reload : .refresh)
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        continuation.yield(.tick)
                    }
                }
                if let interval = notifier.watchdogInterval {
                    group.addTask {
                        while !Task.isCancelled {
                            // Healthy means the loop made progress within the watchdog period.
                            if heartbeat.age < interval * 2 { notifier.notify("WATCHDOG=1") }
                            try? await Task.sleep(for: interval)
                        }
                    }
                }
                await loop.serve(events)
                group.cancelAll()
            }
        }
        continuation.finish()
        notifier.notify("STOPPING=1\nSTATUS=stopping")
        logger.info("stopping")
    }

    /// Opens the store and the snapshot directory, clearing temporary files from a crash.
    static func open(_ configuration: Configuration) throws -> (Store, SnapshotWriter) {
        do {
            try FileManager.default.createDirectory(atPath: configuration.stateDirectory, withIntermediateDirectories: true)
        } catch {
            throw PipelineError("\(configuration.stateDirectory): cannot create the state directory (\(error.localizedDescription))")
        }
        let store = try Store(path: configuration.databasePath)
        let writer = try SnapshotWriter(directory: configuration.snapshotDirectory)
        writer.removeTemporaryFiles()
        return (store, writer)
    }

    static func engine(_ configuration: Configuration) -> FetchEngine {
        FetchEngine(maximumConcurrent: configuration.maximumConnections, maximumPerHost: configuration.maximumPerHost,
                    userAgent: "personad/\(version)")
    }

    /// Servers' "not before" survives a restart: each stored one gates its host again.
    static func restoreGates(_ store: Store, configuration: Configuration, engine: FetchEngine) {
        let gates = (try? store.notBefore(after: Date())) ?? [:]
        guard !gates.isEmpty else { return }
        for job in Scheduler.jobs(of: configuration) {
            guard let notBefore = gates[job.key], let url = job.source.url else { continue }
            engine.setNotBefore(notBefore, host: URL(string: url)?.host ?? "")
        }
    }

    /// `personad --once`: every source once (servers' "not before" still holds), every snapshot
    /// written. Returns the failed sources.
    public static func runOnce(configuration: Configuration, logger: Logger) async throws -> [String] {
        let (store, writer) = try open(configuration)
        let engine = engine(configuration)
        defer { engine.shutdown() }
        restoreGates(store, configuration: configuration, engine: engine)
        let runner = Runner(pipeline: Pipeline(store: store, engine: engine, logger: logger), writer: writer, logger: logger)
        runner.recomputeHistory(configuration: configuration)
        let report = await runner.run(Scheduler.jobs(of: configuration), configuration: configuration, heartbeat: nil)
        try writer.write(SnapshotIndex(generatedAt: Date(), personas: report.entries.sorted { $0.id < $1.id }))
        return report.failures.map { "persona \($0.persona): \($0.error ?? "")" }
    }
}

/// The state the main loop owns: the configuration in force, the schedule, the index.
/// Used from one task only.
final class MainLoop: @unchecked Sendable {
    // @unchecked: every stored var is touched only by `serve`, which runs on a single task.
    var configuration: Configuration
    var scheduler: Scheduler
    var index: [String: SnapshotIndex.Entry] = [:]
    let runner: Runner
    let notifier: SystemdNotifier
    let logger: Logger
    let heartbeat: Heartbeat

    init(configuration: Configuration, states: [String: SourceState], runner: Runner, notifier: SystemdNotifier, logger: Logger, heartbeat: Heartbeat) {
        self.configuration = configuration
        self.scheduler = Scheduler(configuration: configuration, states: states)
        self.runner = runner
        self.notifier = notifier
        self.logger = logger
        self.heartbeat = heartbeat
    }

    func serve(_ events: AsyncStream<Daemon.Event>) async {
        // Every persona gets a snapshot before READY=1, from the store if none of its sources is due yet.
        await runDue(snapshotAll: true)
        notifier.notify("READY=1\nSTATUS=\(status())")
        logger.info("ready: \(status())")
        for await event in events {
            guard !Task.isCancelled else { break }
            heartbeat.beat()
            switch event {
            case .tick:
                await runDue()
            case .refresh:
                logger.info("SIGUSR1: refreshing every persona")
                scheduler.makeAllDue(at: Date())
                await runDue()
            case .reload:
                await reload()
            }
        }
    }

    private func runDue(snapshotAll: Bool = false) async {
        let now = Date()
        let jobs = scheduler.dueJobs(at: now)
        guard !jobs.isEmpty || snapshotAll else { return }
        let report = await runner.run(jobs, configuration: configuration, heartbeat: heartbeat,
                                      snapshot: snapshotAll ? Set(configuration.personas.map(\.id)) : nil)
        guard !Task.isCancelled else { return }
        for outcome in report.outcomes { scheduler.reschedule(outcome.key, at: outcome.nextAttempt) }
        for entry in report.entries { index[entry.id] = entry }
        writeIndex()
        notifier.notify("STATUS=\(status())")
    }

    private func reload() async {
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
                try? FileManager.default.removeItem(atPath: (configuration.snapshotDirectory as NSString).appendingPathComponent("\(id).json"))
                logger.info("reload: persona \(id) removed")
            }
            configuration = next
            let changed = scheduler.apply(next, now: Date())
            logger.info("reload: configuration re-read from \(next.file); \(changed.count) sources new or changed")
            notifier.notify("READY=1")
            writeIndex()
            await runDue()
        } catch {
            logger.error("reload failed, keeping the configuration in force: \(error)")
            notifier.notify("READY=1\nSTATUS=reload failed: \(error); \(status())")
        }
    }

    private func writeIndex() {
        let entries = index.values.sorted { $0.id < $1.id }
        do {
            try runner.writer.write(SnapshotIndex(generatedAt: Date(), personas: entries))
        } catch {
            logger.error("cannot write index.json: \(error)")
        }
    }

    /// One line for `systemctl status`: counts by state, side by side; never a combined score.
    func status() -> String {
        var counts: [ScoreStatus: Int] = [:]
        for entry in index.values { counts[entry.status, default: 0] += 1 }
        let parts = ScoreStatus.allCases.compactMap { status in counts[status].map { "\($0) \(status.rawValue)" } }
        return "\(configuration.personas.count) personas" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
    }
}
