import Foundation
import PersonaModel
import PersonaUtilities

/// The public snapshot format, version 1 (`Docs/snapshot-format.md`, `Docs/snapshot.schema.json`).
///
/// Important: this is a contract with other tools. Within `schemaVersion` 1 changes are
/// additive only. Fields that may be unknown are written as explicit `null`, never omitted.
public struct PersonaSnapshot: Codable, Sendable, Hashable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var generatedAt: Date
    public var persona: PersonaRef
    public var score: ScoreSection
    public var sources: [SourceSection]
    public var topics: Topics

    public init(generatedAt: Date, persona: PersonaRef, score: ScoreSection, sources: [SourceSection], topics: Topics) {
        self.schemaVersion = Self.currentSchemaVersion
        self.generatedAt = generatedAt
        self.persona = persona
        self.score = score
        self.sources = sources
        self.topics = topics
    }

    public struct PersonaRef: Codable, Sendable, Hashable {
        public var id: String
        public var network: Network
        public var handle: String

        public init(id: String, network: Network, handle: String) {
            self.id = id
            self.network = network
            self.handle = handle
        }
    }

    public struct Window: Codable, Sendable, Hashable {
        public var start: Date
        public var end: Date
    }

    public struct ScoreSection: Codable, Sendable, Hashable {
        public var value: Double?
        public var status: ScoreStatus
        public var formulaVersion: String
        public var window: Window
        public var components: [Component]
        public var sample: Sample
        /// Why the status is what it is, in one line (e.g. which source failed).
        public var statusReason: String?
        /// The normalisation constants of the persona's network, and their basis.
        public var calibration: Calibration?
        /// Own posts in the window needed for a number.
        public var minimumPosts: Int?
        /// The share of the model's base weight the persona's sources could measure (0–1).
        public var coverage: Double?
        /// The score as it stood before its last change, for "what moved".
        public var previous: PreviousScore?

        public init(score: Score, status: ScoreStatus, statusReason: String?, previous: PreviousScore? = nil) {
            calibration = score.calibration
            minimumPosts = score.minimumPosts
            coverage = score.coverage
            self.previous = previous
            value = status == .error ? nil : score.value
            self.status = status
            formulaVersion = score.formulaVersion
            window = Window(start: score.windowStart, end: score.windowEnd)
            components = score.components
            sample = score.sample
            self.statusReason = statusReason
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(value, forKey: .value)
            try container.encode(status, forKey: .status)
            try container.encode(formulaVersion, forKey: .formulaVersion)
            try container.encode(window, forKey: .window)
            try container.encode(components, forKey: .components)
            try container.encode(sample, forKey: .sample)
            try container.encode(statusReason, forKey: .statusReason)
            try container.encode(calibration, forKey: .calibration)
            try container.encode(minimumPosts, forKey: .minimumPosts)
            try container.encode(coverage, forKey: .coverage)
            try container.encode(previous, forKey: .previous)
        }
    }

    /// A score from the persona's history: its value and each component's points.
    public struct PreviousScore: Codable, Sendable, Hashable {
        public struct Part: Codable, Sendable, Hashable {
            public var name: String
            public var normalized: Double?
            public var contribution: Double?

            public init(name: String, normalized: Double?, contribution: Double?) {
                self.name = name
                self.normalized = normalized
                self.contribution = contribution
            }
        }

        public var generatedAt: Date
        public var value: Double?
        public var status: ScoreStatus
        public var formulaVersion: String
        public var components: [Part]

        public init(generatedAt: Date, value: Double?, status: ScoreStatus, formulaVersion: String, components: [Part]) {
            self.generatedAt = generatedAt
            self.value = value
            self.status = status
            self.formulaVersion = formulaVersion
            self.components = components
        }

        public init(generatedAt: Date, score: Score) {
            self.generatedAt = generatedAt
            value = score.value
            status = score.status
            formulaVersion = score.formulaVersion
            components = score.components.map { Part(name: $0.name, normalized: $0.normalized, contribution: $0.contribution) }
        }
    }

    /// The state of one source, as of this snapshot.
    public enum SourceStatus: String, Codable, Sendable, Hashable, CaseIterable {
        /// Never attempted yet.
        case pending
        /// The last attempt succeeded (a 304 is a success).
        case ok
        /// The last attempt failed; `last_error` says why, `next_attempt` when it is retried (with backoff).
        case failing
        /// The server answered 404 or 410: the account or feed is gone; it is still polled, rarely.
        case gone
        /// The server asked for no requests until `next_attempt` (429/503, rate limit); nothing was sent.
        case deferred
    }

    public struct SourceSection: Codable, Sendable, Hashable {
        public var kind: SourceKind
        /// The export path or URL, credentials removed.
        public var location: String
        public var status: SourceStatus
        public var lastAttempt: Date?
        public var lastSuccess: Date?
        public var lastError: String?
        /// The HTTP status of the last response (HTTP sources only).
        public var httpStatus: Int?
        public var consecutiveFailures: Int
        /// When the daemon will poll this source next (`null` outside the daemon, e.g. with `--once`).
        public var nextAttempt: Date?

        public init(kind: SourceKind, location: String, status: SourceStatus, lastAttempt: Date?, lastSuccess: Date?,
                    lastError: String?, httpStatus: Int? = nil, consecutiveFailures: Int = 0, nextAttempt: Date? = nil) {
            self.kind = kind
            self.location = location
            self.status = status
            self.lastAttempt = lastAttempt
            self.lastSuccess = lastSuccess
            self.lastError = lastError
            self.httpStatus = httpStatus
            self.consecutiveFailures = consecutiveFailures
            self.nextAttempt = nextAttempt
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kind, forKey: .kind)
            try container.encode(location, forKey: .location)
            try container.encode(status, forKey: .status)
            try container.encode(lastAttempt, forKey: .lastAttempt)
            try container.encode(lastSuccess, forKey: .lastSuccess)
            try container.encode(lastError, forKey: .lastError)
            try container.encode(httpStatus, forKey: .httpStatus)
            try container.encode(consecutiveFailures, forKey: .consecutiveFailures)
            try container.encode(nextAttempt, forKey: .nextAttempt)
        }
    }
}

/// `index.json`: one line per persona, side by side. Never a total, an average or a ranking.
public struct SnapshotIndex: Codable, Sendable, Hashable {
    public var schemaVersion: Int
    public var generatedAt: Date
    public var personas: [Entry]

    public init(generatedAt: Date, personas: [Entry]) {
        self.schemaVersion = PersonaSnapshot.currentSchemaVersion
        self.generatedAt = generatedAt
        self.personas = personas
    }

    public struct Entry: Codable, Sendable, Hashable {
        public var id: String
        public var network: Network
        public var file: String
        public var score: Double?
        public var status: ScoreStatus
        public var generatedAt: Date

        public init(id: String, network: Network, file: String, score: Double?, status: ScoreStatus, generatedAt: Date) {
            self.id = id
            self.network = network
            self.file = file
            self.score = score
            self.status = status
            self.generatedAt = generatedAt
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(network, forKey: .network)
            try container.encode(file, forKey: .file)
            try container.encode(score, forKey: .score)
            try container.encode(status, forKey: .status)
            try container.encode(generatedAt, forKey: .generatedAt)
        }
    }
}

/// Reading snapshots back (`personactl`, tests): snake_case keys, ISO 8601 dates. Writing is
/// `SnapshotJSON`'s.
public enum SnapshotCoding {
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// A stable hash of what a snapshot says, leaving out the fields that move with the clock alone
/// (`generated_at`, the window, the sources' attempt times). Two snapshots with the same
/// fingerprint differ only in those; the daemon then need not rewrite the file.
public enum SnapshotFingerprint {
    public static func of(_ snapshot: PersonaSnapshot) -> String {
        var text = "\(snapshot.schemaVersion)|\(snapshot.persona.id)|\(snapshot.persona.network)|\(snapshot.persona.handle)"
        let score = snapshot.score
        text += "|\(score.value.map { "\($0)" } ?? "-")|\(score.status.rawValue)|\(score.statusReason ?? "-")|\(score.formulaVersion)"
        text += "|\(score.sample.posts)|\(score.sample.interactions)"
        if let previous = score.previous { text += "|p:\(previous.generatedAt.timeIntervalSince1970):\(previous.value.map { "\($0)" } ?? "-")" }
        for detail in snapshot.topics.details {
            text += "|t:\(detail.topic):\(detail.posts):\(detail.expertise):\(detail.reason)"
        }
        for component in score.components {
            text += "|c:\(component.name):\(component.raw.map { "\($0)" } ?? "-"):\(component.normalized.map { "\($0)" } ?? "-")"
            text += ":\(component.weight):\(component.factor):\(component.measured):\(component.reason)"
            for evidence in component.evidence { text += ":\(evidence.postId)=\(evidence.count)" }
        }
        for source in snapshot.sources {
            text += "|s:\(source.kind.rawValue):\(source.location):\(source.status.rawValue):\(source.lastError ?? "-")"
            text += ":\(statusClass(source.httpStatus)):\(source.consecutiveFailures)"
        }
        text += "|t:" + snapshot.topics.interests.joined(separator: ",") + ";" + snapshot.topics.expertise.joined(separator: ",")
        return digest(text)
    }

    /// An HTTP status as far as a persona's state is concerned: every success (2xx, and 304 on a
    /// conditional request) is the same; any other status is itself.
    public static func statusClass(_ status: Int?) -> String {
        guard let status else { return "-" }
        return (200..<300).contains(status) || status == 304 ? "ok" : "\(status)"
    }

    public static func digest(_ text: String) -> String { StableHash.hex(text) }
}
