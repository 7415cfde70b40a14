import Foundation
import Logging
import PersonaConfig
import PersonaFetch
import PersonaModel
import PersonaStore
import PersonaUtilities
import ServiceLifecycle
import Synchronization
import UnixSignals
import PersonaSnapshots

/// The long-running daemon, as a swift-service-lifecycle `Service`.
///
/// Control flow, in order: trap SIGHUP and SIGUSR1; open the store and the snapshot directory;
/// read the sources' states; recompute the history if the formula changed; write the PID file;
/// then hand over to `MainLoop` (first cycle, `READY=1`, events) until a graceful shutdown
/// (SIGTERM/SIGINT via the `ServiceGroup`) cancels in-flight work.
///
/// Important: the signal sequence is created before `READY=1` and before the PID file exists,
/// because the default action of SIGHUP and SIGUSR1 is to kill the process.
public final class Daemon: Service {
    public static let version = PersonadVersion.current

    let initial: Configuration
    let logger: Logger
    let notifier: SystemdNotifier

    public init(configuration: Configuration, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.initial = configuration
        self.logger = logger
        self.notifier = SystemdNotifier(environment: environment)
    }

    enum Event: Sendable {
        /// `tick`: the loop's timer (`WakeTimer`) says something is due; `ping`: the watchdog
        /// checks that the loop takes events in (it beats the heartbeat, nothing else).
        case tick, ping, refresh, reload
        /// A cycle that runs beside the main loop is done with the sources its report releases.
        case finished(Cycle.Report)
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup, .sigusr1)
        let configuration = initial
        let (store, writer) = try Self.open(configuration)
        let engine = Self.engine(configuration)
        defer { engine.shutdown() }
        // Without the sources' states every source would look new (a burst of polls, every export
        // read again): a store that cannot be read stops the start, and says why.
        let states = try store.sourceStates()
        Self.restoreGates(store, configuration: configuration, engine: engine, logger: logger)
        let cycle = Cycle(store: store, engine: engine, writer: writer, logger: logger)
        cycle.history.run(configuration: configuration)
        let pidFile = PidFile(path: configuration.pidFile)
        do {
            try pidFile.write()
        } catch {
            throw DaemonError("\(configuration.pidFile): cannot write the PID file (\(error.localizedDescription))")
        }
        defer { pidFile.remove() }
        // Unbounded: a finished cycle's report must never be dropped. The loop only starts work and
        // takes reports in, so it drains the stream as fast as its timer, signals and reports come.
        let (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
        let heartbeat = Heartbeat()
        let notifier = self.notifier
        let logger = self.logger
        let loop = MainLoop(configuration: configuration, states: states, cycle: cycle, notifier: notifier, logger: logger, heartbeat: heartbeat)

        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await signal in signals {
                        continuation.yield(signal == .sighup ? .reload : .refresh)
                    }
                }
                if let interval = notifier.watchdogInterval {
                    group.addTask {
                        while !Task.isCancelled {
                            // Healthy means the loop took an event in within the watchdog period:
                            // the ping asks it to, so an idle loop (no timer due) still answers.
                            if heartbeat.age < interval * 2 { notifier.notify("WATCHDOG=1") }
                            continuation.yield(.ping)
                            try? await Task.sleep(for: interval) // cancelled: the loop ends at its check
                        }
                    }
                }
                await loop.serve(events, post: { continuation.yield($0) })
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
            throw DaemonError("\(configuration.stateDirectory): cannot create the state directory (\(error.localizedDescription))")
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

    /// Servers' "not before" survives a restart: each stored one gates its host again. If they
    /// cannot be read, each source still holds its own (`SourceState.notBefore`); only the host-wide
    /// gate is lost.
    static func restoreGates(_ store: Store, configuration: Configuration, engine: FetchEngine, logger: Logger) {
        let gates: [String: Date]
        do {
            gates = try store.notBefore(after: Date())
        } catch {
            logger.warning("servers' retry times not restored to their hosts: \(error)")
            return
        }
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
        restoreGates(store, configuration: configuration, engine: engine, logger: logger)
        let cycle = Cycle(store: store, engine: engine, writer: writer, logger: logger)
        cycle.history.run(configuration: configuration)
        let report = await cycle.run(Scheduler.jobs(of: configuration), configuration: configuration, heartbeat: nil)
        var failures = report.failures.map { "persona \($0.persona): \($0.error ?? "")" }
            + report.writeFailures.map { "persona \($0.persona): snapshot not written: \($0.error)" }
        do {
            try writer.write(SnapshotIndex(generatedAt: Date(), personas: report.entries.sorted { $0.id < $1.id }))
        } catch {
            failures.append("index.json not written: \(error)")
        }
        var metrics = MetricsState()
        metrics.record(report, configuration: configuration, store: store, logger: logger, force: true)
        cycle.retention.run(configuration: configuration)
        return failures
    }
}
