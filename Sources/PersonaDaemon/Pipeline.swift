import Foundation
import Logging
import PersonaConfig
import PersonaFetch
import PersonaModel
import PersonaScoring
import PersonaSources
import PersonaStore
import PersonaSnapshots

/// The data path for one source and one persona: source → reader → store → scorer → snapshot.
///
/// Important: one persona's failure never stops the others. A failing source leaves its
/// persona's stored observations as they were, so the next snapshot is computed from the last
/// good data and marked `stale` with the error.
public final class Pipeline: Sendable {
    let store: Store
    let engine: FetchEngine
    let logger: Logger

    public init(store: Store, engine: FetchEngine, logger: Logger) {
        self.store = store
        self.engine = engine
        self.logger = logger
    }

    /// The outcome of one refresh of one source.
    public struct SourceOutcome: Sendable {
        public var key: String
        public var persona: PersonaID
        public var location: String
        /// `nil` on success (and when deferred at the server's request).
        public var error: String?
        /// When the source should be polled next.
        public var nextAttempt: Date
    }

    /// How one attempt ended, before it is written into the source's state.
    enum Attempt {
        case success
        case deferred(until: Date)
        case gone(status: Int, message: String)
        case failure(message: String, retryAt: Date?)
    }

    static func key(_ persona: PersonaConfiguration, _ source: SourceConfiguration) -> String {
        "\(persona.id)|\(source.kind)|\(source.location)"
    }

    /// How far back a poll looks, and how often sources are polled.
    struct Policy: Sendable {
        var windowStart: Date
        var interval: TimeInterval
        var jitter: Double
        var maximumPages: Int

        init(_ configuration: Configuration, source: SourceConfiguration, now: Date) {
            windowStart = now.addingTimeInterval(-configuration.window)
            interval = source.interval ?? configuration.interval
            jitter = configuration.jitter
            maximumPages = configuration.maximumPages
        }
    }

    /// A refresh's result: what to tell the scheduler, and what to commit to the store.
    public struct Refresh: Sendable {
        public var outcome: SourceOutcome
        public var update: SourceUpdate
        /// Whether anything a snapshot shows may have changed: new posts, or a different state
        /// (error, status, audience). A 304 with the same state is not a change.
        public var changed: Bool
    }

    /// Polls one source. Never throws: failures are recorded in the returned state and logged.
    /// Nothing is written here: the caller commits many refreshes in one transaction.
    public func refresh(_ persona: PersonaConfiguration, _ source: SourceConfiguration, configuration: Configuration,
                        state stored: SourceState?, now: Date = Date()) async -> Refresh {
        let key = Self.key(persona, source)
        let policy = Policy(configuration, source: source, now: now)
        var state = stored ?? SourceState(key: key, personaID: persona.id, kind: source.kind, location: source.location)
        let attempt: Attempt
        var observation: Observation?
        if let notBefore = state.notBefore, notBefore > now {
            attempt = .deferred(until: notBefore) // the server said so, possibly before a restart
        } else {
            state.lastAttempt = now
            switch SourceRegistry.reader(network: persona.network, kind: source.kind) {
            case .export(let reader)?:
                (attempt, observation) = await readExport(reader, persona: persona, source: source, state: &state)
            case .remote(let reader)?:
                (attempt, observation) = await poll(reader, persona: persona, source: source, policy: policy, state: &state)
            case nil:
                attempt = .failure(message: "no reader for \(persona.network) \(source.kind)", retryAt: nil)
            }
        }
        if let audience = observation?.audience { state.audience = audience }
        let next = apply(attempt, to: &state, policy: policy, now: now)
        let error: String? = switch attempt {
        case .success, .deferred: nil
        case .gone(_, let message), .failure(let message, _): message
        }
        if let error { logger.error("persona \(persona.id): source failed: \(error)") }
        let posts = observation?.posts ?? []
        let interactions = observation?.interactions ?? []
        let engagements = observation?.engagements ?? []
        // An export that was read (not skipped as unchanged) may have staged posts to promote.
        let readExport = source.kind == .export && observation != nil
        let changed = !posts.isEmpty || !interactions.isEmpty || !engagements.isEmpty || readExport || stored == nil || stored?.lastError != state.lastError || stored?.gone != state.gone
            || SnapshotFingerprint.statusClass(stored?.httpStatus) != SnapshotFingerprint.statusClass(state.httpStatus) || stored?.consecutiveFailures != state.consecutiveFailures
            || stored?.audience != state.audience || (stored?.notBefore != nil) != (state.notBefore != nil)
            || stored?.lastSuccess == nil
        // The posts and the state that says they were read are committed together.
        var update = SourceUpdate(state: state, posts: posts, interactions: interactions, engagements: engagements, observedAt: now,
                                  promoteStaged: readExport && attemptSucceeded(attempt))
        if let stored {
            // Did anything but the times and the HTTP status move? (A 304 moves nothing else.)
            var same = state
            same.lastAttempt = stored.lastAttempt
            same.lastSuccess = stored.lastSuccess
            same.nextAttempt = stored.nextAttempt
            same.httpStatus = stored.httpStatus
            update.timesOnly = same == stored
        }
        return Refresh(
            outcome: SourceOutcome(key: key, persona: persona.id, location: source.location, error: error, nextAttempt: next),
            update: update, changed: changed)
    }

    private func attemptSucceeded(_ attempt: Attempt) -> Bool {
        if case .success = attempt { return true }
        return false
    }

    /// Writes the attempt into the state and plans the next poll.
    func apply(_ attempt: Attempt, to state: inout SourceState, policy: Policy, now: Date) -> Date {
        let regular = now.addingTimeInterval(policy.interval * (1 + (policy.jitter > 0 ? Double.random(in: -policy.jitter...policy.jitter) : 0)))
        let next: Date
        switch attempt {
        case .success:
            state.lastError = nil
            state.consecutiveFailures = 0
            state.lastSuccess = now
            state.gone = false
            next = regular
        case .deferred(let until):
            logger.info("persona \(state.personaID): \(state.location): deferred until \(until.formatted(.iso8601)) at the server's request")
            next = until.addingTimeInterval(Double.random(in: 0...5))
        case .gone(let status, let message):
            state.lastError = message
            state.consecutiveFailures += 1
            state.gone = true
            state.httpStatus = status
            next = now.addingTimeInterval(max(policy.interval, 86400))
        case .failure(let message, let retryAt):
            state.lastError = message
            state.consecutiveFailures += 1
            let backoff = now.addingTimeInterval(Politeness.backoff(failures: state.consecutiveFailures))
            next = max(backoff, retryAt ?? backoff)
        }
        state.nextAttempt = next
        return next
    }

    // MARK: Exports

    private func readExport(_ reader: any ExportReader, persona: PersonaConfiguration, source: SourceConfiguration,
                            state: inout SourceState) async -> (Attempt, Observation?) {
        guard let path = source.path else { return (.failure(message: "export source has no path", retryAt: nil), nil) }
        // Unchanged exports are not read again: same size and modification time, or else the same
        // content digest (a copy of the same archive). Stored as "size:mtime|digest".
        let signature = Self.signature(of: path)
        let stored = state.contentSignature?.split(separator: "|", maxSplits: 1).map(String.init) ?? []
        let healthy = state.lastError == nil
        if let signature, healthy, stored.first == signature {
            logger.debug("persona \(persona.id): \(path) unchanged since last read")
            return (.success, nil)
        }
        let handle = persona.handle
        let knownDigest = healthy && stored.count == 2 ? stored[1] : nil
        let store = self.store
        let key = state.key
        let personaID = persona.id
        try? store.discardStaged(sourceKey: key) // left by a read that was interrupted
        // Exports are read on a Dispatch thread: a large archive must not block Swift's
        // cooperative pool, which the fetch engine's callers share.
        let result: Result<(Observation?, String), SourceError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                // A large export hands its posts over in batches while it streams: they are staged
                // (on another core while the reader parses on), and kept only if the whole read
                // succeeds (promoted with this source's update).
                let staging = StagingWriter(store: store, persona: personaID, key: key, location: path)
                continuation.resume(returning: Result { () throws(SourceError) -> (Observation?, String) in
                    do throws(SourceError) {
                        let archive = try ExportArchive(path: path)
                        let digest = archive.contentDigest()
                        if digest == knownDigest { return (nil, digest) }
                        let observation = try reader.read(archive, handle: handle, sink: staging.sink)
                        try staging.finish()
                        return (observation, digest)
                    } catch {
                        try? staging.finish() // nothing may still be writing when the staged rows are dropped
                        throw error
                    }
                })
            }
        }
        switch result {
        case .failure(let error):
            try? store.discardStaged(sourceKey: key)
            return (.failure(message: "\(error)", retryAt: nil), nil)
        case .success((let observation, let digest)):
            state.contentSignature = "\(signature ?? "")|\(digest)"
            if let observation {
                logger.info("persona \(persona.id): read \(observation.posts.count) posts from \(path)")
            } else {
                logger.debug("persona \(persona.id): \(path) has the same content as before")
            }
            return (.success, observation)
        }
    }

    /// Size and modification time of a file, or of every file under a directory.
    static func signature(of path: String) -> String? {
        let manager = FileManager.default
        guard let attributes = try? manager.attributesOfItem(atPath: path) else { return nil }
        if attributes[.type] as? FileAttributeType == .typeDirectory {
            var parts: [String] = []
            for case let name as String in manager.enumerator(atPath: path) ?? FileManager.DirectoryEnumerator() {
                let full = (path as NSString).appendingPathComponent(name)
                guard let inner = try? manager.attributesOfItem(atPath: full), inner[.type] as? FileAttributeType == .typeRegular else { continue }
                parts.append("\(name):\(inner[.size] ?? 0):\((inner[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)")
            }
            return parts.sorted().joined(separator: ";")
        }
        return "\(attributes[.size] ?? 0):\((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
    }

    // MARK: Remote sources

    /// Drives a remote reader's poll through the fetch engine. HTTP statuses are decided here, in
    /// one place for every network: 304 on a conditional request means "unchanged", 404/410 "gone",
    /// 429/503 a failure whose retry waits for the server's `Retry-After`.
    private func poll(_ reader: any RemoteReader, persona: PersonaConfiguration, source: SourceConfiguration,
                      policy: Policy, state: inout SourceState) async -> (Attempt, Observation?) {
        guard let url = source.url else { return (.failure(message: "source has no url", retryAt: nil), nil) }
        var poll = reader.makePoll(PollContext(
            url: url, handle: persona.handle, windowStart: policy.windowStart, memo: state.memo, maximumPages: policy.maximumPages,
            engagerPosts: source.engagers))
        // Validators are sent only after a fully successful poll: a 200 whose body failed to parse
        // must be fetched again, not answered with 304.
        let useValidators = state.lastError == nil
        var validators = state.validators
        var requests = 0
        var notModified = 0
        requestLoop: while let request = poll.nextRequest() {
            requests += 1
            guard requests <= policy.maximumPages * 3 + 3 + source.engagers * 3 else {
                return (.failure(message: "\(source.location): more than \(requests - 1) requests in one poll; stopping", retryAt: nil), nil)
            }
            let stored = request.conditional && useValidators ? state.validators[request.url] : nil
            let response: FetchResponse
            do {
                response = try await engine.fetch(FetchRequest(
                    url: request.url, etag: stored?.etag, lastModified: stored?.lastModified,
                    maximumBytes: source.maximumBytes, totalTimeout: source.timeout,
                    allowFile: source.path != nil, caFile: source.caFile))
            } catch {
                if error.kind == .deferred, let until = error.retryAt {
                    // An optional lookup held by the host's gate: keep what the poll read.
                    if request.optional { break requestLoop }
                    return (.deferred(until: until), nil)
                }
                if request.optional, error.kind != .cancelled {
                    logger.info("persona \(persona.id): optional lookup skipped: \(error)")
                    poll.skipped(request)
                    continue
                }
                return (.failure(message: "\(error)", retryAt: nil), nil)
            }
            let shown = FetchEngine.redact(request.url)
            state.httpStatus = url.hasPrefix("file:") ? nil : response.status
            if let gate = response.notBefore { state.notBefore = gate }
            if request.optional, !(200..<300).contains(response.status) {
                if response.status == 429 || response.status == 503 {
                    // The server asks to slow down: keep what the poll read, ask nothing more of it now.
                    logger.info("persona \(persona.id): \(shown): HTTP \(response.status): optional lookups stop for this poll")
                    break requestLoop
                }
                logger.debug("persona \(persona.id): \(shown): HTTP \(response.status): optional lookup skipped")
                poll.skipped(request)
                continue
            }
            switch response.status {
            case 304 where request.conditional:
                notModified += 1
                poll.notModified(request)
                continue
            case 200..<300:
                break
            case 404, 410:
                return (.gone(status: response.status, message: "\(shown): HTTP \(response.status): the account or feed is gone"), nil)
            case 429, 503:
                return (.failure(message: "\(shown): HTTP \(response.status): the server asks to slow down", retryAt: response.notBefore), nil)
            default:
                return (.failure(message: "\(shown): HTTP \(response.status)", retryAt: nil), nil)
            }
            do {
                try poll.receive(SourceResponse(url: request.url, status: response.status, headers: response.headers, body: response.body))
            } catch {
                guard request.optional else { return (.failure(message: "\(error)", retryAt: nil), nil) }
                logger.info("persona \(persona.id): optional lookup skipped: \(error)")
                poll.skipped(request)
            }
            if request.conditional {
                validators[request.url] = Validators(etag: response.etag, lastModified: response.lastModified)
            }
        }
        let observation = poll.observation
        state.validators = validators
        state.memo = poll.memo
        if requests == notModified {
            logger.debug("persona \(persona.id): \(source.location) not modified")
        } else {
            logger.info("persona \(persona.id): read \(observation.posts.count) posts from \(source.location) (\(requests) requests)")
        }
        return (.success, observation)
    }

    // MARK: Scoring and snapshots

    /// Scores one persona from its stored observations and builds its snapshot. `states` are
    /// the sources' states, as the caller holds them (the store's, updated by this cycle).
    public func snapshot(of persona: PersonaConfiguration, configuration: Configuration, states: [String: SourceState],
                         now: Date = Date()) throws(PipelineError) -> (snapshot: PersonaSnapshot, score: Score) {
        do {
            let score = try self.score(of: persona, configuration: configuration, states: states, at: now)
            var sections: [PersonaSnapshot.SourceSection] = []
            var failures: [String] = []
            var everSucceeded = false
            for source in persona.sources {
                let state = states[Self.key(persona, source)]
                let status = Self.status(of: state, now: now)
                sections.append(PersonaSnapshot.SourceSection(
                    kind: source.kind, location: source.location, status: status, lastAttempt: state?.lastAttempt,
                    lastSuccess: state?.lastSuccess, lastError: state?.lastError, httpStatus: state?.httpStatus,
                    consecutiveFailures: state?.consecutiveFailures ?? 0, nextAttempt: state?.nextAttempt))
                if let error = state?.lastError, status == .failing || status == .gone { failures.append(error) }
                if state?.lastSuccess != nil { everSucceeded = true }
            }
            var status = score.status
            var reason = score.reason
            if !failures.isEmpty {
                status = everSucceeded ? .stale : .error
                reason = (everSucceeded ? "stands on the last good data; " : "no source has been read successfully; ")
                    + failures.joined(separator: "; ")
            }
            let section = PersonaSnapshot.ScoreSection(score: score, status: status, statusReason: reason)
            let snapshot = PersonaSnapshot(
                generatedAt: now, persona: .init(id: persona.id.rawValue, network: persona.network, handle: persona.handle),
                score: section, sources: sections, topics: score.topics)
            return (snapshot, score)
        } catch {
            throw PipelineError("\(error)")
        }
    }

    /// Scores one persona from its stored observations as of `at` (now, or a past point of its
    /// history being recomputed): the window ends at `at`, and only what was created by then counts.
    public func score(of persona: PersonaConfiguration, configuration: Configuration, states: [String: SourceState],
                      at: Date) throws(PipelineError) -> Score {
        do {
            let windowStart = at.addingTimeInterval(-configuration.window)
            let posts = try store.posts(persona: persona.id, since: windowStart, withText: false).filter { $0.createdAt <= at }
            let interactions = try store.interactions(persona: persona.id, since: windowStart)
            let engagements = try store.engagements(persona: persona.id, since: windowStart)
            // A part is unmeasurable for the persona only if every one of its sources says so.
            var unmeasurable: [Metric: String]?
            var audience: Int?
            for source in persona.sources {
                let reasons = SourceRegistry.reader(network: persona.network, kind: source.kind)?.unmeasurable ?? [:]
                unmeasurable = unmeasurable.map { current in
                    current.compactMap { metric, reason -> (Metric, String)? in
                        reasons[metric].map { (metric, $0 == reason ? reason : "\(reason); \($0)") }
                    }.reduce(into: [:]) { $0[$1.0] = $1.1 }
                } ?? reasons
                if let stated = states[Self.key(persona, source)]?.audience { audience = max(audience ?? 0, stated) }
            }
            guard let descriptor = SourceRegistry.descriptor(persona.network) else {
                throw PipelineError("persona \(persona.id): no network '\(persona.network)' in the registry")
            }
            return ScoreModel.score(.init(
                calibration: descriptor.calibration, posts: posts, interactions: interactions, engagements: engagements,
                audience: audience, unmeasurable: unmeasurable ?? [:], windowStart: windowStart, windowEnd: at))
        } catch {
            throw PipelineError("\(error)")
        }
    }

    static func status(of state: SourceState?, now: Date) -> PersonaSnapshot.SourceStatus {
        guard let state, state.lastAttempt != nil || state.notBefore != nil else { return .pending }
        if state.gone { return .gone }
        if state.lastError != nil { return .failing }
        if let notBefore = state.notBefore, notBefore > now { return .deferred }
        return .ok
    }

}

/// A failure inside the pipeline, already worded for the log.
public struct PipelineError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
