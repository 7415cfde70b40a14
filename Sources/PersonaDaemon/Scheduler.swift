import Foundation
import PersonaConfig

/// When each source is next due. Pure bookkeeping: no clock of its own, no I/O.
struct Scheduler {
    struct Job: Sendable {
        var persona: PersonaConfiguration
        var source: SourceConfiguration
        var key: String { Pipeline.key(persona, source) }
    }

    private(set) var jobs: [String: Job] = [:]
    private(set) var due: [String: Date] = [:]
    var defaultInterval: TimeInterval
    var jitter: Double

    init(configuration: Configuration) {
        defaultInterval = configuration.interval
        jitter = configuration.jitter
        apply(configuration, now: Date.distantPast)
    }

    /// Takes a new configuration: new or changed sources are due at `now`, unchanged ones keep their time.
    /// Returns the keys of sources that were added or changed.
    @discardableResult
    mutating func apply(_ configuration: Configuration, now: Date) -> Set<String> {
        defaultInterval = configuration.interval
        jitter = configuration.jitter
        var newJobs: [String: Job] = [:]
        var changed: Set<String> = []
        for persona in configuration.personas {
            for source in persona.sources {
                let job = Job(persona: persona, source: source)
                newJobs[job.key] = job
                if let old = jobs[job.key], old.persona == persona, old.source == source { continue }
                changed.insert(job.key)
                due[job.key] = now
            }
        }
        for key in due.keys where newJobs[key] == nil { due[key] = nil }
        jobs = newJobs
        return changed
    }

    /// The jobs due at `now`, in a stable order.
    func dueJobs(at now: Date) -> [Job] {
        due.filter { $0.value <= now }.keys.sorted().compactMap { jobs[$0] }
    }

    mutating func makeAllDue(at now: Date) {
        for key in jobs.keys { due[key] = now }
    }

    /// Plans the next poll: the source's interval, spread by ±jitter so that polls do not march in step.
    mutating func reschedule(_ key: String, after now: Date) {
        guard let job = jobs[key] else { return }
        let interval = job.source.interval ?? defaultInterval
        let spread = jitter > 0 ? Double.random(in: -jitter...jitter) : 0
        due[key] = now.addingTimeInterval(interval * (1 + spread))
    }

    var nextDue: Date? { due.values.min() }
}
