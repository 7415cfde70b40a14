import Foundation
import GRDB
import PersonaModel

/// What the daemon remembers about one configured source between polls.
public struct SourceState: Sendable, Hashable {
    /// `<persona id>|<kind>|<location>`: a changed location is a new source.
    public var key: String
    public var personaID: PersonaID
    public var kind: SourceKind
    /// The export path or feed URL, with credentials removed.
    public var location: String
    /// Per URL, the validators of its last good response, sent back for a conditional GET.
    public var validators: [String: Validators]
    /// Values a reader keeps between polls (e.g. an account id).
    public var memo: [String: String]
    /// For exports: size, mtime and content hash of what was last read, so an unchanged export is not re-read.
    public var contentSignature: String?
    public var lastAttempt: Date?
    public var lastSuccess: Date?
    public var lastError: String?
    public var consecutiveFailures: Int
    public var audience: Int?
    /// When the daemon plans to poll this source next.
    public var nextAttempt: Date?
    /// The server's own "not before" (429/503 `Retry-After`, an exhausted rate limit).
    public var notBefore: Date?
    /// The HTTP status of the last response, if the source is fetched over HTTP.
    public var httpStatus: Int?
    /// The server answered 404 or 410: the account or feed is gone (polled rarely, in case it returns).
    public var gone: Bool

    public init(key: String, personaID: PersonaID, kind: SourceKind, location: String) {
        self.key = key
        self.personaID = personaID
        self.kind = kind
        self.location = location
        self.validators = [:]
        self.memo = [:]
        self.consecutiveFailures = 0
        self.gone = false
    }
}

/// An HTTP response's validators.
public struct Validators: Sendable, Hashable, Codable {
    public var etag: String?
    public var lastModified: String?

    public init(etag: String?, lastModified: String?) {
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// Errors from the store name the database file and the operation.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var detail: String
    public var description: String { "\(path): \(operation): \(detail)" }
}

/// The SQLite store (GRDB, WAL mode): observations of posts, fetch state per source and score history.
///
/// Posts are deduplicated by (persona, post id); a newer observation replaces older counts but
/// never erases a count that the newer source could not measure.
public final class Store: Sendable {
    public let path: String
    private let pool: DatabasePool

    public init(path: String) throws(StoreError) {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            // WAL with synchronous=NORMAL: a commit is durable at the next checkpoint rather than
            // at once, and the database is never corrupted. What a crash can lose is the last
            // poll's observations, which the next poll reads again.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError(path: path, operation: "open", detail: "\(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE post (
                    persona_id TEXT NOT NULL,
                    post_id TEXT NOT NULL,
                    source_key TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    kind TEXT NOT NULL,
                    text TEXT NOT NULL,
                    url TEXT,
                    tags TEXT NOT NULL,
                    replies INTEGER,
                    reposts INTEGER,
                    likes INTEGER,
                    observed_at REAL NOT NULL,
                    PRIMARY KEY (persona_id, post_id)
                ) WITHOUT ROWID;
                CREATE INDEX post_by_time ON post (persona_id, created_at);
                CREATE TABLE source_state (
                    source_key TEXT PRIMARY KEY NOT NULL,
                    persona_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    location TEXT NOT NULL,
                    etag TEXT,
                    last_modified TEXT,
                    content_signature TEXT,
                    last_attempt REAL,
                    last_success REAL,
                    last_error TEXT,
                    consecutive_failures INTEGER NOT NULL DEFAULT 0,
                    audience INTEGER
                );
                CREATE TABLE score_history (
                    persona_id TEXT NOT NULL,
                    generated_at REAL NOT NULL,
                    formula_version TEXT NOT NULL,
                    status TEXT NOT NULL,
                    value REAL,
                    score_json TEXT NOT NULL,
                    PRIMARY KEY (persona_id, generated_at)
                );
                """)
        }
        migrator.registerMigration("v2: politeness and paging state") { db in
            try db.execute(sql: """
                ALTER TABLE source_state DROP COLUMN etag;
                ALTER TABLE source_state DROP COLUMN last_modified;
                ALTER TABLE source_state ADD COLUMN validators TEXT NOT NULL DEFAULT '{}';
                ALTER TABLE source_state ADD COLUMN memo TEXT NOT NULL DEFAULT '{}';
                ALTER TABLE source_state ADD COLUMN next_attempt REAL;
                ALTER TABLE source_state ADD COLUMN not_before REAL;
                ALTER TABLE source_state ADD COLUMN http_status INTEGER;
                ALTER TABLE source_state ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;
                """)
        }
        return migrator
    }

    // MARK: Posts

    /// Stores one read's posts. Returns how many rows were inserted or changed.
    @discardableResult
    public func record(posts: [Post], persona: PersonaID, sourceKey: String, observedAt: Date) throws(StoreError) -> Int {
        do {
            return try pool.write { db in
                try Self.insert(posts, persona: persona, sourceKey: sourceKey, observedAt: observedAt, db)
            }
        } catch {
            throw StoreError(path: path, operation: "record posts for \(persona)", detail: "\(error)")
        }
    }

    /// Upserts posts: newer counts replace older ones, but never with "unmeasured".
    static func insert(_ posts: [Post], persona: PersonaID, sourceKey: String, observedAt: Date, _ db: Database) throws -> Int {
        guard !posts.isEmpty else { return 0 }
        let encoder = JSONEncoder()
        let statement = try db.cachedStatement(sql: """
            INSERT INTO post (persona_id, post_id, source_key, created_at, kind, text, url, tags, replies, reposts, likes, observed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (persona_id, post_id) DO UPDATE SET
                source_key = excluded.source_key, created_at = excluded.created_at, kind = excluded.kind,
                text = excluded.text, url = coalesce(excluded.url, url), tags = excluded.tags,
                replies = coalesce(excluded.replies, replies),
                reposts = coalesce(excluded.reposts, reposts),
                likes = coalesce(excluded.likes, likes),
                observed_at = excluded.observed_at
            """)
        for post in posts {
            let tags = String(decoding: try encoder.encode(post.tags), as: UTF8.self)
            try statement.execute(arguments: [
                persona.rawValue, post.id, sourceKey, post.createdAt.timeIntervalSince1970, post.kind.rawValue,
                post.text, post.url, tags, post.counts.replies, post.counts.reposts, post.counts.likes,
                observedAt.timeIntervalSince1970,
            ])
        }
        return posts.count
    }

    public func posts(persona: PersonaID) throws(StoreError) -> [Post] {
        do {
            let decoder = JSONDecoder()
            return try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM post WHERE persona_id = ? ORDER BY created_at", arguments: [persona.rawValue]).map { row in
                    let tagsJSON: String = row["tags"]
                    let tags = (try? decoder.decode([String].self, from: Data(tagsJSON.utf8))) ?? []
                    return Post(
                        id: row["post_id"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                        kind: PostKind(rawValue: row["kind"]) ?? .original, text: row["text"], url: row["url"], tags: tags,
                        counts: EngagementCounts(replies: row["replies"], reposts: row["reposts"], likes: row["likes"]))
                }
            }
        } catch {
            throw StoreError(path: path, operation: "read posts of \(persona)", detail: "\(error)")
        }
    }

    // MARK: Source state

    public func sourceState(key: String) throws(StoreError) -> SourceState? {
        do {
            return try pool.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM source_state WHERE source_key = ?", arguments: [key]).flatMap { row in
                    guard let persona = PersonaID(rawValue: row["persona_id"]), let kind = SourceKind(rawValue: row["kind"]) else { return nil }
                    var state = SourceState(key: key, personaID: persona, kind: kind, location: row["location"])
                    let decoder = JSONDecoder()
                    state.validators = (try? decoder.decode([String: Validators].self, from: Data((row["validators"] as String).utf8))) ?? [:]
                    state.memo = (try? decoder.decode([String: String].self, from: Data((row["memo"] as String).utf8))) ?? [:]
                    state.nextAttempt = (row["next_attempt"] as Double?).map(Date.init(timeIntervalSince1970:))
                    state.notBefore = (row["not_before"] as Double?).map(Date.init(timeIntervalSince1970:))
                    state.httpStatus = row["http_status"]
                    state.gone = row["gone"]
                    state.contentSignature = row["content_signature"]
                    state.lastAttempt = (row["last_attempt"] as Double?).map(Date.init(timeIntervalSince1970:))
                    state.lastSuccess = (row["last_success"] as Double?).map(Date.init(timeIntervalSince1970:))
                    state.lastError = row["last_error"]
                    state.consecutiveFailures = row["consecutive_failures"]
                    state.audience = row["audience"]
                    return state
                }
            }
        } catch {
            throw StoreError(path: path, operation: "read source state \(key)", detail: "\(error)")
        }
    }

    /// Every stored source state, keyed by source key.
    public func sourceStates() throws(StoreError) -> [String: SourceState] {
        let keys: [String]
        do {
            keys = try pool.read { db in try String.fetchAll(db, sql: "SELECT source_key FROM source_state") }
        } catch {
            throw StoreError(path: path, operation: "list source states", detail: "\(error)")
        }
        var states: [String: SourceState] = [:]
        for key in keys { states[key] = try sourceState(key: key) }
        return states
    }

    /// Saves a source's state and, in the same transaction, the posts its poll read.
    public func save(_ state: SourceState, posts: [Post] = [], observedAt: Date = Date()) throws(StoreError) {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let validators = String(decoding: try encoder.encode(state.validators), as: UTF8.self)
            let memo = String(decoding: try encoder.encode(state.memo), as: UTF8.self)
            try pool.write { db in
                _ = try Self.insert(posts, persona: state.personaID, sourceKey: state.key, observedAt: observedAt, db)
                try db.execute(sql: """
                    INSERT OR REPLACE INTO source_state
                        (source_key, persona_id, kind, location, validators, memo, content_signature,
                         last_attempt, last_success, last_error, consecutive_failures, audience,
                         next_attempt, not_before, http_status, gone)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [
                        state.key, state.personaID.rawValue, state.kind.rawValue, state.location, validators, memo,
                        state.contentSignature, state.lastAttempt?.timeIntervalSince1970,
                        state.lastSuccess?.timeIntervalSince1970, state.lastError, state.consecutiveFailures, state.audience,
                        state.nextAttempt?.timeIntervalSince1970, state.notBefore?.timeIntervalSince1970, state.httpStatus, state.gone,
                    ])
            }
        } catch {
            throw StoreError(path: path, operation: "save source state \(state.key)", detail: "\(error)")
        }
    }

    // MARK: Score history

    public func recordScore(_ score: Score, persona: PersonaID, generatedAt: Date) throws(StoreError) {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let json = String(decoding: try encoder.encode(score), as: UTF8.self)
            try pool.write { db in
                try db.execute(sql: """
                    INSERT OR REPLACE INTO score_history (persona_id, generated_at, formula_version, status, value, score_json)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [persona.rawValue, generatedAt.timeIntervalSince1970, score.formulaVersion, score.status.rawValue, score.value, json])
            }
        } catch {
            throw StoreError(path: path, operation: "record score of \(persona)", detail: "\(error)")
        }
    }

    /// The persona's most recent recorded score.
    public func lastScore(persona: PersonaID) throws(StoreError) -> Score? {
        do {
            return try pool.read { db in
                try String.fetchOne(db, sql: "SELECT score_json FROM score_history WHERE persona_id = ? ORDER BY generated_at DESC LIMIT 1",
                                    arguments: [persona.rawValue])
                    .flatMap { try? JSONDecoder().decode(Score.self, from: Data($0.utf8)) }
            }
        } catch {
            throw StoreError(path: path, operation: "read the last score of \(persona)", detail: "\(error)")
        }
    }

    /// The score history of a persona, oldest first.
    public func scoreHistory(persona: PersonaID) throws(StoreError) -> [(generatedAt: Date, score: Score)] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT generated_at, score_json FROM score_history WHERE persona_id = ? ORDER BY generated_at", arguments: [persona.rawValue])
                    .compactMap { row in
                        let json: String = row["score_json"]
                        guard let score = try? JSONDecoder().decode(Score.self, from: Data(json.utf8)) else { return nil }
                        return (Date(timeIntervalSince1970: row["generated_at"]), score)
                    }
            }
        } catch {
            throw StoreError(path: path, operation: "read score history of \(persona)", detail: "\(error)")
        }
    }
}
