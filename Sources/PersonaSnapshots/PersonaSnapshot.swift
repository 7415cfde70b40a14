import Foundation
import PersonaModel

/// The public snapshot format, version 1 (`Docs/snapshot-format.md`, `Docs/snapshot.schema.json`).
///
/// The types are `Decodable` for readers (`personactl`, tests, other Swift tools); they are
/// written by `SnapshotJSON`, the one place that lists the fields' names and order.
///
/// Important: this is a contract with other tools. Within `schemaVersion` 1 changes are
/// additive only. Fields that may be unknown are written as explicit `null`, never omitted.
public struct PersonaSnapshot: Decodable, Sendable, Hashable {
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

    public struct PersonaRef: Decodable, Sendable, Hashable {
        public var id: String
        public var network: Network
        public var handle: String

        public init(id: String, network: Network, handle: String) {
            self.id = id
            self.network = network
            self.handle = handle
        }
    }

    public struct Window: Decodable, Sendable, Hashable {
        public var start: Date
        public var end: Date
    }

    public struct ScoreSection: Decodable, Sendable, Hashable {
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
        /// The 90% interval of `value` (formula 2 and later).
        public var interval: Interval?
        /// Every own post in the window as the formula counted it, newest first (formula 2 and later).
        public var posts: [PostCount]?

        public init(score: Score, status: ScoreStatus, statusReason: String?, previous: PreviousScore? = nil) {
            calibration = score.calibration
            minimumPosts = score.minimumPosts
            coverage = score.coverage
            interval = status == .error ? nil : score.interval
            posts = score.posts
            self.previous = previous
            value = status == .error ? nil : score.value
            self.status = status
            formulaVersion = score.formulaVersion
            window = Window(start: score.windowStart, end: score.windowEnd)
            components = score.components
            sample = score.sample
            self.statusReason = statusReason
        }
    }

    /// A score from the persona's history: its value and each component's points.
    public struct PreviousScore: Decodable, Sendable, Hashable {
        public struct Part: Decodable, Sendable, Hashable {
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
    public enum SourceStatus: String, Decodable, Sendable, Hashable, CaseIterable {
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

    public struct SourceSection: Decodable, Sendable, Hashable {
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
        /// For an export source whose `path` is a folder or glob: every archive read from it, oldest
        /// first; `null` for any other source.
        public var archives: [Archive]?
        /// What the reader skipped or repaired in the last successful read (items without a date,
        /// bytes not valid in the declared encoding, XML errors recovered from), one sentence
        /// each; empty when it read the source as it is. `nil` in snapshots older than the field.
        public var notes: [String]?

        public struct Archive: Decodable, Sendable, Hashable {
            public var path: String
            /// Its modification time: when it was made, as far as the disk tells.
            public var modified: Date
            public var readAt: Date
            public var posts: Int
            /// The content digest; a copy of an archive already read has the same one and is not read again.
            public var digest: String

            public init(path: String, modified: Date, readAt: Date, posts: Int, digest: String) {
                self.path = path
                self.modified = modified
                self.readAt = readAt
                self.posts = posts
                self.digest = digest
            }
        }

        public init(kind: SourceKind, location: String, status: SourceStatus, lastAttempt: Date?, lastSuccess: Date?,
                    lastError: String?, httpStatus: Int? = nil, consecutiveFailures: Int = 0, nextAttempt: Date? = nil,
                    archives: [Archive]? = nil, notes: [String] = []) {
            self.archives = archives
            self.notes = notes
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
    }
}
