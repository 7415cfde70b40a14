import Foundation
import PersonaConfig
import PersonaStore

/// When each source is next due. Pure bookkeeping: no clock of its own, no I/O.
///
/// Important: there is no burst at start-up. A source the store has seen keeps the time it was
/// planned for before the restart; a local source never seen is due at once; a remote source never
/// seen is spread at random over the first `jitter × interval`.
struct Scheduler {
    struct Job: Sendable {
        var persona: PersonaConfiguration
        var source: SourceConfiguration
        var key: String { SourceRefresh.key(persona, source) }
        /// Exports and local feeds cost no server anything: they need no spreading.
        var isLocal: Bool { source.kind == .export || source.path != nil }
    }

    private(set) var jobs: [String: Job] = [:]
    private(set) var due: [String: Date] = [:]

    init(configuration: Configuration, states: [String: SourceState] = [:], now: Date = Date()) {
        for job in Self.jobs(of: configuration) {
            jobs[job.key] = job
            if let planned = states[job.key]?.nextAttempt {
                due[job.key] = planned
            } else {
                due[job.key] = Self.firstPoll(job, configuration: configuration, now: now)
            }
        }
    }

    static func jobs(of configuration: Configuration) -> [Job] {
        configuration.personas.flatMap { persona in persona.sources.map { Job(persona: persona, source: $0) } }
    }

    static func firstPoll(_ job: Job, configuration: Configuration, now: Date) -> Date {
        guard !job.isLocal else { return now }
        let spread = (job.source.interval ?? configuration.interval) * configuration.jitter
        return now.addingTimeInterval(spread > 0 ? Double.random(in: 0...spread) : 0)
    }

    /// Takes a new configuration: new or changed sources are due at `now`, unchanged ones keep their time.
    /// Returns the keys of sources that were added or changed.
    @discardableResult
    mutating func apply(_ configuration: Configuration, now: Date) -> Set<String> {
        var newJobs: [String: Job] = [:]
        var changed: Set<String> = []
        for job in Self.jobs(of: configuration) {
            newJobs[job.key] = job
            if let old = jobs[job.key], old.persona == job.persona, old.source == job.source { continue }
            changed.insert(job.key)
            due[job.key] = now
        }
        for key in due.keys where newJobs[key] == nil { due[key] = nil }
        jobs = newJobs
        return changed
    }

    /// The jobs due at `now`, in a stable order.
    func dueJobs(at now: Date) -> [Job] {
        due.filter { $0.value <= now }.keys.sorted().compactMap { jobs[$0] }
    }

    /// The earliest time a job not in `excluded` is due, if any.
    func nextDue(excluding excluded: Set<String>) -> Date? {
        var earliest: Date?
        for (key, date) in due where !excluded.contains(key) && (earliest.map { date < $0 } ?? true) { earliest = date }
        return earliest
    }

    /// Every job, due now (SIGUSR1). Servers' "not before" still holds: the source refresh defers those.
    mutating func makeAllDue(at now: Date) {
        for key in jobs.keys { due[key] = now }
    }

    mutating func reschedule(_ key: String, at date: Date) {
        guard jobs[key] != nil else { return }
        due[key] = date
    }
}
