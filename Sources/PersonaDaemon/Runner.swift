import Foundation
import Logging
import PersonaConfig
import PersonaFetch
import PersonaModel
import PersonaStore
import Synchronization

/// Runs batches of source refreshes and writes the snapshots they affect. Shared by the
/// long-running daemon and `personad --once`.
struct Runner: Sendable {
    let pipeline: Pipeline
    let writer: SnapshotWriter
    let logger: Logger
    /// How many sources are refreshed at once: enough to keep every connection the engine
    /// allows busy (it caps connections itself).
    func parallelism(_ configuration: Configuration) -> Int { max(64, configuration.maximumConnections * 2) }

    struct Report: Sendable {
        var outcomes: [Pipeline.SourceOutcome] = []
        var entries: [SnapshotIndex.Entry] = []
        var failures: [Pipeline.SourceOutcome] { outcomes.filter { $0.error != nil } }
    }

    /// Refreshes `jobs`, then rewrites the snapshot of every persona they belong to (or of
    /// every persona in `snapshot`, when given).
    func run(_ jobs: [Scheduler.Job], configuration: Configuration, heartbeat: Heartbeat?, snapshot: Set<PersonaID>? = nil) async -> Report {
        var report = Report()
        await withTaskGroup(of: Pipeline.SourceOutcome.self) { group in
            var iterator = jobs.makeIterator()
            var running = 0
            while running < parallelism(configuration), let job = iterator.next() {
                group.addTask { await pipeline.refresh(job.persona, job.source, configuration: configuration) }
                running += 1
            }
            for await outcome in group {
                heartbeat?.beat()
                report.outcomes.append(outcome)
                if let job = iterator.next(), !Task.isCancelled {
                    group.addTask { await pipeline.refresh(job.persona, job.source, configuration: configuration) }
                }
            }
        }
        // Abandoned work writes nothing: the snapshots on disk stay as they were.
        guard !Task.isCancelled else { return report }
        let touched = snapshot ?? Set(jobs.map(\.persona.id))
        var batch: [(fileName: String, snapshot: PersonaSnapshot)] = []
        for persona in configuration.personas where touched.contains(persona.id) {
            do {
                batch.append((Self.fileName(persona.id), try pipeline.snapshot(of: persona, configuration: configuration)))
            } catch {
                logger.error("persona \(persona.id): cannot compute its snapshot: \(error)")
            }
        }
        do {
            try writer.write(batch: batch)
            report.entries = batch.map { fileName, snapshot in
                SnapshotIndex.Entry(id: snapshot.persona.id, network: snapshot.persona.network, file: fileName,
                                    score: snapshot.score.value, status: snapshot.score.status, generatedAt: snapshot.generatedAt)
            }
        } catch {
            logger.error("cannot write snapshots: \(error)")
        }
        return report
    }

    static func fileName(_ id: PersonaID) -> String { "\(id.rawValue).json" }
}

/// The time of the main loop's last sign of progress, for the systemd watchdog.
final class Heartbeat: Sendable {
    private let last = Mutex(ContinuousClock.now)

    func beat() { last.withLock { $0 = .now } }

    var age: Duration { last.withLock { ContinuousClock.now - $0 } }
}
