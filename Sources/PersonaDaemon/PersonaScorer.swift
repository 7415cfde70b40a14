import Foundation
import PersonaConfig
import PersonaModel
import PersonaScoring
import PersonaSnapshots
import PersonaSources
import PersonaStore

/// Scores one persona from its stored observations, with its network's calibration from the
/// registry, and builds its snapshot with each source's state.
///
/// Important: a persona's status says what its sources say. A source that fails makes the score
/// `stale` (it stands on the last good data) or, if no source was ever read, `error`.
public struct PersonaScorer: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    /// Scores one persona from its stored observations and builds its snapshot. `states` are
    /// the sources' states, as the caller holds them (the store's, updated by this cycle).
    public func snapshot(of persona: PersonaConfiguration, configuration: Configuration, states: [String: SourceState],
                         now: Date = Date()) throws(DaemonError) -> (snapshot: PersonaSnapshot, score: Score) {
        do {
            let score = try self.score(of: persona, configuration: configuration, states: states, at: now)
            var sections: [PersonaSnapshot.SourceSection] = []
            var failures: [String] = []
            var everSucceeded = false
            for source in persona.sources {
                let state = states[SourceRefresh.key(persona, source)]
                let status = Self.status(of: state, now: now)
                sections.append(PersonaSnapshot.SourceSection(
                    kind: source.kind, location: source.location, status: status, lastAttempt: state?.lastAttempt,
                    lastSuccess: state?.lastSuccess, lastError: state?.lastError, httpStatus: state?.httpStatus,
                    consecutiveFailures: state?.consecutiveFailures ?? 0, nextAttempt: state?.nextAttempt,
                    archives: Self.archives(source, state), notes: state?.notes ?? []))
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
            throw DaemonError("\(error)")
        }
    }

    /// Scores one persona from its stored observations as of `at` (now, or a past point of its
    /// history being recomputed): the window ends at `at`, and only what was created by then counts.
    public func score(of persona: PersonaConfiguration, configuration: Configuration, states: [String: SourceState],
                      at: Date) throws(DaemonError) -> Score {
        do {
            let windowStart = at.addingTimeInterval(-configuration.window(for: persona))
            let stored = try store.scoringData(persona: persona.id, since: windowStart)
            let posts = stored.posts.filter { $0.createdAt <= at }
            let (interactions, engagements) = (stored.interactions, stored.engagements)
            guard let descriptor = SourceRegistry.descriptor(persona.network) else {
                throw DaemonError("persona \(persona.id): no network '\(persona.network)' in the registry")
            }
            // A part is unmeasurable for the persona only if every one of its sources says so.
            var unmeasurable: [Metric: String]?
            var audience: Int?
            for source in persona.sources {
                let reasons = descriptor.unmeasurable(source.kind)
                unmeasurable = unmeasurable.map { current in
                    current.compactMap { metric, reason -> (Metric, String)? in
                        reasons[metric].map { (metric, $0 == reason ? reason : "\(reason); \($0)") }
                    }.reduce(into: [:]) { $0[$1.0] = $1.1 }
                } ?? reasons
                if let stated = states[SourceRefresh.key(persona, source)]?.audience { audience = max(audience ?? 0, stated) }
            }
            var score = ScoreModel.score(.init(
                calibration: descriptor.calibration, posts: posts, interactions: interactions, engagements: engagements,
                audience: audience, unmeasurable: unmeasurable ?? [:], windowStart: windowStart, windowEnd: at))
            if score.sample.posts < (score.minimumPosts ?? 0), let hint = try olderThanWindow(persona, windowStart: windowStart, at: at,
                                                                                           needed: score.minimumPosts ?? 0) {
                score.reason = (score.reason ?? "too few posts in the window") + "; " + hint
            }
            return score
        } catch {
            throw DaemonError("\(error)")
        }
    }

    /// Posts read but older than the window (an export downloaded long ago, a quiet account):
    /// how many, the newest one's date, and the window that would reach enough of them.
    func olderThanWindow(_ persona: PersonaConfiguration, windowStart: Date, at: Date, needed: Int) throws(StoreError) -> String? {
        let older = try store.postsBefore(windowStart, persona: persona.id, nth: needed)
        guard older.count > 0, let newest = older.newest else { return nil }
        let day = { (date: Date) in String(SnapshotJSON.rfc3339(date).prefix(10)) }
        var hint = "\(older.count) older posts are stored, the newest from \(day(newest)), before the window's start \(day(windowStart))"
        if let reach = older.nth {
            let days = Int((at.timeIntervalSince(reach) / 86400).rounded(.up))
            hint += "; a window of \(days)d (`window` of this persona, or [scoring] window) would include \(needed) of them"
        }
        return hint
    }

    static func status(of state: SourceState?, now: Date) -> PersonaSnapshot.SourceStatus {
        guard let state, state.lastAttempt != nil || state.notBefore != nil else { return .pending }
        if state.gone { return .gone }
        // Held back at the server's request (429/503 Retry-After, a spent rate limit): deferred,
        // as the docs promise, though the 429 itself left a last_error. Nothing is sent before then.
        if let notBefore = state.notBefore, notBefore > now { return .deferred }
        if state.lastError != nil { return .failing }
        return .ok
    }

    /// The archives an export set read (`ArchiveLedger`), for the snapshot; nil for any other source.
    static func archives(_ source: SourceConfiguration, _ state: SourceState?) -> [PersonaSnapshot.SourceSection.Archive]? {
        guard source.kind == .export, let path = source.path, ExportSet.isGlob(path) || state?.contentSignature?.hasPrefix(ArchiveLedger.prefix) == true
            || ExportSet.isSet(path) else { return nil }
        return ArchiveLedger(signature: state?.contentSignature).entries.map {
            .init(path: $0.path, modified: $0.modified, readAt: $0.readAt, posts: $0.posts, digest: $0.digest)
        }
    }
}
