import Foundation
import Logging
import PersonaConfig
import PersonaFetch
import PersonaModel
import PersonaStore
import TestSupport
@testable import PersonaDaemon
import PersonaSnapshots

/// The real source refresh and scorer (real store file, real libcurl engine) against a fixture server.
final class Harness {
    let directory: TemporaryDirectory
    let server: FixtureServer
    let configuration: Configuration
    let store: Store
    let engine: FetchEngine
    let refresher: SourceRefresh
    let scorer: PersonaScorer

    /// `personas` adds the `[[persona]]` tables to a configuration whose state lives in a
    /// temporary directory; it is given the server's base URL.
    init(server: FixtureServer, window: String = "3650d", personas: (TOMLConfig, _ base: String) -> TOMLConfig) throws {
        self.server = server
        directory = try TemporaryDirectory("pipeline")
        let base = TOMLConfig(daemon: [("state_directory", "\(directory.path)/state"), ("interval", "10m"), ("jitter", 0.1)],
                              scoring: [("window", .string(window))])
        let text = personas(base, server.base).description
        configuration = try ConfigLoader.parse(text, file: directory.file("personad.toml"))
        try FileManager.default.createDirectory(atPath: configuration.stateDirectory, withIntermediateDirectories: true)
        store = try Store(path: configuration.databasePath)
        engine = FetchEngine(maximumConcurrent: 8, maximumPerHost: 4, userAgent: "personad-test")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        refresher = SourceRefresh(store: store, engine: engine, logger: logger)
        scorer = PersonaScorer(store: store)
    }

    deinit {
        engine.shutdown()
        directory.remove()
    }

    var persona: PersonaConfiguration { configuration.personas[0] }

    /// One refresh, committed as a cycle commits it.
    @discardableResult
    func refresh(_ index: Int = 0, persona personaIndex: Int = 0, now: Date = Date()) async throws -> SourceRefresh.Outcome {
        try await refreshDetail(index, persona: personaIndex, now: now).outcome
    }

    func refreshDetail(_ index: Int = 0, persona personaIndex: Int = 0, now: Date = Date()) async throws -> SourceRefresh.Result {
        let persona = configuration.personas[personaIndex]
        let key = SourceRefresh.key(persona, persona.sources[index])
        let stored = try store.sourceState(key: key)
        let result = await refresher.refresh(persona, persona.sources[index], configuration: configuration, state: stored, now: now)
        try store.commit([result.update])
        return result
    }

    func state(_ index: Int = 0, persona personaIndex: Int = 0) throws -> SourceState? {
        let persona = configuration.personas[personaIndex]
        return try store.sourceState(key: SourceRefresh.key(persona, persona.sources[index]))
    }

    func posts(persona personaIndex: Int = 0) throws -> [String: Post] {
        Dictionary(uniqueKeysWithValues: try store.posts(persona: configuration.personas[personaIndex].id).map { ($0.id, $0) })
    }

    func snapshot(persona personaIndex: Int = 0) throws -> PersonaSnapshot {
        try scorer.snapshot(of: configuration.personas[personaIndex], configuration: configuration, states: store.sourceStates()).snapshot
    }
}

/// ISO 8601 for a time `days` before now (fixtures must fall inside the scoring window).
func daysAgo(_ days: Double) -> String {
    Date().addingTimeInterval(-days * 86400).formatted(.iso8601)
}
