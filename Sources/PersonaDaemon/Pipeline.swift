import Foundation
import Logging
import PersonaConfig
import PersonaFetch
import PersonaModel
import PersonaScoring
import PersonaSources
import PersonaStore

/// The data path for one cycle: source → reader → store → scorer → snapshot writer.
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
        public var persona: PersonaID
        public var location: String
        /// `nil` on success.
        public var error: String?
    }

    static func key(_ persona: PersonaConfiguration, _ source: SourceConfiguration) -> String {
        "\(persona.id)|\(source.kind)|\(source.location)"
    }

    /// Polls one source and stores what it read. Never throws: failures are recorded and logged.
    public func refresh(_ persona: PersonaConfiguration, _ source: SourceConfiguration, now: Date = Date()) async -> SourceOutcome {
        let key = Self.key(persona, source)
        var state: SourceState
        do {
            state = try store.sourceState(key: key) ?? SourceState(key: key, personaID: persona.id, kind: source.kind, location: source.location)
        } catch {
            logger.error("\(error)")
            return SourceOutcome(persona: persona.id, location: source.location, error: "\(error)")
        }
        state.lastAttempt = now
        let failure: String?
        do throws(PipelineError) {
            guard let reader = SourceRegistry.reader(network: persona.network, kind: source.kind) else {
                throw PipelineError("no reader for \(persona.network) \(source.kind)")
            }
            switch reader {
            case .export(let exportReader):
                try await readExport(exportReader, persona: persona, source: source, state: &state, now: now)
            case .document(let documentReader):
                try await fetchDocument(documentReader, persona: persona, source: source, state: &state, now: now)
            }
            failure = nil
        } catch {
            failure = error.message
        }
        if let failure {
            state.lastError = failure
            state.consecutiveFailures += 1
            logger.error("persona \(persona.id): source failed: \(failure)")
        } else {
            state.lastError = nil
            state.consecutiveFailures = 0
            state.lastSuccess = now
        }
        do {
            try store.save(state)
        } catch {
            logger.error("\(error)")
        }
        return SourceOutcome(persona: persona.id, location: source.location, error: failure)
    }

    private func readExport(_ reader: any ExportReader, persona: PersonaConfiguration, source: SourceConfiguration,
                            state: inout SourceState, now: Date) async throws(PipelineError) {
        guard let path = source.path else { throw PipelineError("export source has no path") }
        let signature = Self.signature(of: path)
        if let signature, signature == state.contentSignature, state.lastError == nil {
            logger.debug("persona \(persona.id): \(path) unchanged since last read")
            return
        }
        let handle = persona.handle
        // Exports are read on a Dispatch thread: a large archive must not block Swift's
        // cooperative pool, which the fetch engine's callers share.
        let result: Result<Observation, SourceError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(SourceError) -> Observation in
                    let archive = try ExportArchive(path: path)
                    return try reader.read(archive, handle: handle)
                })
            }
        }
        let observation: Observation
        switch result {
        case .success(let value): observation = value
        case .failure(let error): throw PipelineError("\(error)")
        }
        try record(observation, persona: persona, state: &state, now: now)
        state.contentSignature = signature
        logger.info("persona \(persona.id): read \(observation.posts.count) posts from \(path)")
    }

    private func fetchDocument(_ reader: any DocumentReader, persona: PersonaConfiguration, source: SourceConfiguration,
                               state: inout SourceState, now: Date) async throws(PipelineError) {
        guard let url = source.url else { throw PipelineError("source has no url") }
        // Validators are sent only after a fully successful read: a 200 whose body failed to
        // parse must be fetched again, not answered with 304.
        let conditional = state.lastError == nil
        let request = FetchRequest(
            url: url, etag: conditional ? state.etag : nil, lastModified: conditional ? state.lastModified : nil,
            maximumBytes: source.maximumBytes, totalTimeout: source.timeout,
            allowFile: source.path != nil, caFile: source.caFile)
        let response: FetchResponse
        do {
            response = try await engine.fetch(request)
        } catch {
            throw PipelineError("\(error)")
        }
        if response.isNotModified {
            logger.debug("persona \(persona.id): \(source.location) not modified")
            return
        }
        guard response.isSuccess else {
            throw PipelineError("\(source.location): HTTP \(response.status)")
        }
        let observation: Observation
        do {
            observation = try reader.read(response.body, location: source.location, handle: persona.handle)
        } catch {
            throw PipelineError("\(error)")
        }
        try record(observation, persona: persona, state: &state, now: now)
        state.etag = response.etag
        state.lastModified = response.lastModified
        logger.info("persona \(persona.id): read \(observation.posts.count) posts from \(source.location)")
    }

    private func record(_ observation: Observation, persona: PersonaConfiguration, state: inout SourceState, now: Date) throws(PipelineError) {
        do {
            try store.record(posts: observation.posts, persona: persona.id, sourceKey: state.key, observedAt: now)
        } catch {
            throw PipelineError("\(error)")
        }
        if let audience = observation.audience { state.audience = audience }
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

    // MARK: Scoring and snapshots

    /// Scores one persona from its stored observations and builds its snapshot.
    public func snapshot(of persona: PersonaConfiguration, configuration: Configuration, now: Date = Date()) throws(PipelineError) -> PersonaSnapshot {
        do {
            let posts = try store.posts(persona: persona.id)
            var unmeasurable: [Metric: String] = [:]
            var sections: [PersonaSnapshot.SourceSection] = []
            var failures: [String] = []
            var everSucceeded = false
            for source in persona.sources {
                if let reader = SourceRegistry.reader(network: persona.network, kind: source.kind) {
                    unmeasurable.merge(reader.unmeasurable) { $0 == $1 ? $0 : "\($0); \($1)" }
                }
                let state = try store.sourceState(key: Self.key(persona, source))
                sections.append(PersonaSnapshot.SourceSection(
                    kind: source.kind, location: source.location, lastAttempt: state?.lastAttempt,
                    lastSuccess: state?.lastSuccess, lastError: state?.lastError))
                if let error = state?.lastError { failures.append(error) }
                if state?.lastSuccess != nil { everSucceeded = true }
            }
            let score = ScoreModelV0.score(.init(
                network: persona.network, posts: posts, unmeasurable: unmeasurable,
                windowStart: now.addingTimeInterval(-configuration.window), windowEnd: now))
            var status = score.status
            var reason = score.reason
            if !failures.isEmpty {
                status = everSucceeded ? .stale : .error
                reason = (everSucceeded ? "stands on the last good data; " : "no source has been read successfully; ")
                    + failures.joined(separator: "; ")
            }
            let section = PersonaSnapshot.ScoreSection(score: score, status: status, statusReason: reason)
            try recordIfChanged(score, persona: persona.id, now: now)
            return PersonaSnapshot(
                generatedAt: now, persona: .init(id: persona.id.rawValue, network: persona.network, handle: persona.handle),
                score: section, sources: sections, topics: score.topics)
        } catch {
            throw PipelineError("\(error)")
        }
    }

    private func recordIfChanged(_ score: Score, persona: PersonaID, now: Date) throws(StoreError) {
        let last = try store.scoreHistory(persona: persona).last?.score
        guard last?.value != score.value || last?.status != score.status || last?.formulaVersion != score.formulaVersion else { return }
        try store.recordScore(score, persona: persona, generatedAt: now)
    }
}

/// A failure inside the pipeline, already worded for the log.
public struct PipelineError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
