import Foundation
import Logging
import PersonaConfig
import PersonaFetch
import PersonaModel
import PersonaSources
import PersonaStore

/// Refreshes one source: asks the registry for its network's reader, hands an export to
/// `ExportRefresh` or a remote source to `PollDriver`, writes the attempt into the source's state
/// and plans its next poll.
///
/// Important: it never throws and writes nothing. Failures are recorded in the returned state and
/// logged; the caller commits many refreshes in one transaction. A failing source leaves its
/// persona's stored observations as they were, so the next snapshot stands on the last good data.
public struct SourceRefresh: Sendable {
    let exports: ExportRefresh
    let polls: PollDriver
    let logger: Logger

    public init(store: Store, engine: FetchEngine, logger: Logger) {
        exports = ExportRefresh(store: store, logger: logger)
        polls = PollDriver(engine: engine, logger: logger)
        self.logger = logger
    }

    /// `<persona id>|<kind>|<location>`: a changed location is a new source.
    static func key(_ persona: PersonaConfiguration, _ source: SourceConfiguration) -> String {
        "\(persona.id)|\(source.kind)|\(source.location)"
    }

    /// What to tell the scheduler about one refresh.
    public struct Outcome: Sendable {
        public var key: String
        public var persona: PersonaID
        public var location: String
        /// `nil` on success (and when deferred at the server's request).
        public var error: String?
        /// When the source should be polled next.
        public var nextAttempt: Date
        /// How long the read took, and the bytes it read (response bodies, or the export read;
        /// 0 when nothing was read, e.g. an unchanged export or a deferred poll).
        public var duration: TimeInterval = 0
        public var bytes: Int = 0
    }

    /// A refresh's result: what to tell the scheduler, and what to commit to the store.
    public struct Result: Sendable {
        public var outcome: Outcome
        public var update: SourceUpdate
        /// Whether anything a snapshot shows may have changed: new posts, an export read again, or
        /// a state that reads differently (`SourceState.readsDifferently`). A 304 is not a change.
        public var changed: Bool
    }

    public func refresh(_ persona: PersonaConfiguration, _ source: SourceConfiguration, configuration: Configuration,
                        state stored: SourceState?, now: Date = Date()) async -> Result {
        let key = Self.key(persona, source)
        let policy = Attempt.Policy(configuration, persona: persona, source: source, now: now)
        var state = stored ?? SourceState(key: key, personaID: persona.id, kind: source.kind, location: source.location)
        let attempt: Attempt
        var observation: Observation?
        var bytes = 0
        let clock = ContinuousClock()
        let began = clock.now
        if let notBefore = state.notBefore, notBefore > now {
            attempt = .deferred(until: notBefore) // the server said so, possibly before a restart
        } else {
            state.lastAttempt = now
            switch SourceRegistry.reader(network: persona.network, kind: source.kind) {
            case .export(let reader)?:
                (attempt, observation) = await exports.read(reader, persona: persona, source: source, state: &state)
                if observation != nil, let path = source.path {
                    // Read, not skipped as unchanged: its size on disk (a directory counts its files).
                    bytes = Self.size(of: path)
                }
            case .remote(let reader)?:
                (attempt, observation) = await polls.poll(reader, persona: persona, source: source, policy: policy, state: &state,
                                                          bytes: &bytes)
            case nil:
                attempt = .failure(message: "no reader for \(persona.network) \(source.kind)", retryAt: nil)
            }
        }
        if let audience = observation?.audience { state.audience = audience }
        if let observation {
            // A note is one line in the store and the log.
            let notes = observation.notes.map { $0.replacingOccurrences(of: "\n", with: " ") }
            if notes != state.notes, !notes.isEmpty {
                logger.notice("persona \(persona.id): \(source.location): read with notes: \(notes.joined(separator: "; "))")
            }
            state.notes = notes
        }
        let next = attempt.apply(to: &state, policy: policy, now: now, logger: logger)
        if let error = attempt.error { logger.error("persona \(persona.id): source failed: \(error)") }
        let posts = observation?.posts ?? []
        let interactions = observation?.interactions ?? []
        let engagements = observation?.engagements ?? []
        // An export that was read (not skipped as unchanged) may have staged posts to promote.
        let readExport = source.kind == .export && observation != nil
        let changed = !posts.isEmpty || !interactions.isEmpty || !engagements.isEmpty || readExport || state.readsDifferently(than: stored)
        // The posts and the state that says they were read are committed together.
        // An export's counts are as of its date: a post keeps the counts of its most recent observation.
        let observedAt = min(observation?.asOf ?? now, now)
        var update = SourceUpdate(state: state, posts: posts, interactions: interactions, engagements: engagements, observedAt: observedAt,
                                  promoteStaged: readExport && attempt.succeeded)
        update.timesOnly = stored.map { state.movedOnlyInTime(since: $0) } ?? false
        let elapsed = clock.now - began
        return Result(
            outcome: Outcome(key: key, persona: persona.id, location: source.location, error: attempt.error, nextAttempt: next,
                             duration: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, bytes: bytes),
            update: update, changed: changed)
    }

    /// A file's size, or the sum of a directory's files' sizes; 0 if unreadable (it was just read).
    static func size(of path: String) -> Int {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return 0 }
        guard isDirectory.boolValue else {
            return ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        }
        let files = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
        return files.reduce(0) { $0 + (((try? FileManager.default.attributesOfItem(atPath: (path as NSString).appendingPathComponent($1)))?[.size] as? NSNumber)?.intValue ?? 0) }
    }
}
