import Foundation
import GRDB
import PersonaModel
import PersonaSnapshots

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

/// One source's poll, to be committed: its new state and the posts it read.
public struct SourceUpdate: Sendable {
    public var state: SourceState
    public var posts: [Post]
    public var interactions: [Interaction]
    /// Identified reactions to the persona's posts.
    public var engagements: [Engagement]
    public var observedAt: Date
    /// Posts staged for this source during its read (`Store.stage`) are to be kept with this update.
    public var promoteStaged: Bool
    /// Only the state's times and HTTP status moved (a 304, typically): the row is updated in
    /// place rather than rewritten.
    public var timesOnly = false

    public init(state: SourceState, posts: [Post], interactions: [Interaction] = [], engagements: [Engagement] = [],
                observedAt: Date, promoteStaged: Bool = false) {
        self.engagements = engagements
        self.state = state
        self.posts = posts
        self.interactions = interactions
        self.observedAt = observedAt
        self.promoteStaged = promoteStaged
    }
}

/// What the daemon remembers about a persona's last written snapshot.
public struct PersonaRecord: Sendable, Hashable {
    /// A hash of the snapshot's content without its clock-driven fields (see `SnapshotFingerprint`).
    public var fingerprint: String
    /// A hash of the persona's configuration (network, handle, sources) when it was written.
    public var configDigest: String
    public var writtenAt: Date
    /// The snapshot's `score.value` and `score.status`, as written.
    public var scoreValue: Double?
    public var scoreStatus: String
    public var formulaVersion: String

    public init(fingerprint: String, configDigest: String, writtenAt: Date, scoreValue: Double?, scoreStatus: String, formulaVersion: String) {
        self.fingerprint = fingerprint
        self.configDigest = configDigest
        self.writtenAt = writtenAt
        self.scoreValue = scoreValue
        self.scoreStatus = scoreStatus
        self.formulaVersion = formulaVersion
    }
}

/// The SQLite store (GRDB, WAL mode): observations of posts, fetch state per source, score
/// history, and what was last written for each persona.
///
/// Posts are deduplicated by (persona, post id); a newer observation replaces older counts but
/// never erases a count that the newer source could not measure.
///
/// Important: writes come in batches (`commit`), one transaction for many sources, because a
/// cycle over thousands of sources must not pay a commit per source.
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
                    tags TEXT NOT NULL,          -- tags joined by U+001F
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
                    validators TEXT NOT NULL DEFAULT '',   -- lines of url TAB etag TAB last-modified
                    memo TEXT NOT NULL DEFAULT '',         -- lines of key TAB value
                    content_signature TEXT,
                    last_attempt REAL,
                    last_success REAL,
                    last_error TEXT,
                    consecutive_failures INTEGER NOT NULL DEFAULT 0,
                    audience INTEGER,
                    next_attempt REAL,
                    not_before REAL,
                    http_status INTEGER,
                    gone INTEGER NOT NULL DEFAULT 0
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
                CREATE TABLE post_staging (
                    source_key TEXT NOT NULL,
                    persona_id TEXT NOT NULL,
                    post_id TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    kind TEXT NOT NULL,
                    text TEXT NOT NULL,
                    url TEXT,
                    tags TEXT NOT NULL,
                    replies INTEGER,
                    reposts INTEGER,
                    likes INTEGER
                );
                CREATE INDEX post_staging_by_source ON post_staging (source_key);
                CREATE TABLE interaction (
                    persona_id TEXT NOT NULL,
                    interaction_id TEXT NOT NULL,
                    source_key TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    at REAL NOT NULL,
                    counterpart TEXT,
                    thread TEXT,
                    PRIMARY KEY (persona_id, interaction_id)
                ) WITHOUT ROWID;
                CREATE TABLE persona_state (
                    persona_id TEXT PRIMARY KEY NOT NULL,
                    fingerprint TEXT NOT NULL,
                    config_digest TEXT NOT NULL,
                    written_at REAL NOT NULL,
                    score_value REAL,
                    score_status TEXT NOT NULL,
                    formula_version TEXT NOT NULL
                );
                """)
        }
        // Formula 1: a reply names the post whose reply count includes it, and identified
        // engagers are kept (each counted once per window by the scorer).
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                ALTER TABLE post ADD COLUMN in_reply_to TEXT;
                ALTER TABLE post_staging ADD COLUMN in_reply_to TEXT;
                CREATE TABLE engagement (
                    persona_id TEXT NOT NULL,
                    post_id TEXT NOT NULL,
                    metric TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    source_key TEXT NOT NULL,
                    PRIMARY KEY (persona_id, post_id, metric, actor)
                ) WITHOUT ROWID;
                """)
        }
        // `previous` reads each history entry's component points from a plain column, not its JSON.
        migrator.registerMigration("v3") { db in
            try db.execute(sql: "ALTER TABLE score_history ADD COLUMN parts TEXT NOT NULL DEFAULT ''")
        }
        return migrator
    }

    private func failure(_ operation: String, _ error: any Error) -> StoreError {
        StoreError(path: path, operation: operation, detail: "\(error)")
    }

    // MARK: Posts

    /// Stores one read's posts. Returns how many rows were inserted or changed.
    @discardableResult
    public func record(posts: [Post], persona: PersonaID, sourceKey: String, observedAt: Date) throws(StoreError) -> Int {
        do {
            return try pool.write { db in try Self.insert(posts, persona: persona, sourceKey: sourceKey, observedAt: observedAt, db) }
        } catch {
            throw failure("record posts for \(persona)", error)
        }
    }

    static let tagSeparator: Character = "\u{1F}"

    // MARK: Staging (large exports)

    /// Stages posts read from a source that is still being read: they reach the `post` table only
    /// when the read succeeds (`SourceUpdate.promoteStaged`), so a damaged archive that is found out
    /// at its end (a CRC mismatch) leaves nothing behind.
    public func stage(_ posts: [Post], persona: PersonaID, sourceKey: String) throws(StoreError) {
        guard !posts.isEmpty else { return }
        do {
            try pool.write { db in
                let statement = try db.cachedStatement(sql: """
                    INSERT INTO post_staging (source_key, persona_id, post_id, created_at, kind, text, url, tags, replies, reposts, likes, in_reply_to)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for post in posts {
                    try statement.execute(arguments: [
                        sourceKey, persona.rawValue, post.id, post.createdAt.timeIntervalSince1970, post.kind.rawValue,
                        post.text, post.url, Self.tagText(post.tags), post.counts.replies, post.counts.reposts, post.counts.likes,
                        post.inReplyTo,
                    ])
                }
            }
        } catch {
            throw failure("stage posts for \(sourceKey)", error)
        }
    }

    /// Drops what a failed (or interrupted) read staged.
    public func discardStaged(sourceKey: String) throws(StoreError) {
        do {
            try pool.write { db in try db.execute(sql: "DELETE FROM post_staging WHERE source_key = ?", arguments: [sourceKey]) }
        } catch {
            throw failure("discard staged posts of \(sourceKey)", error)
        }
    }

    static func promoteStaged(sourceKey: String, observedAt: Date, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO post (persona_id, post_id, source_key, created_at, kind, text, url, tags, replies, reposts, likes, in_reply_to, observed_at)
            SELECT persona_id, post_id, source_key, created_at, kind, text, url, tags, replies, reposts, likes, in_reply_to, ?
            FROM post_staging WHERE source_key = ? ORDER BY rowid
            \(Self.upsert);
            DELETE FROM post_staging WHERE source_key = ?;
            """, arguments: [observedAt.timeIntervalSince1970, sourceKey, sourceKey])
    }

    /// How a post already stored takes a newer observation: newer counts replace older ones, but
    /// a count the newer source could not measure (NULL) never erases one that was measured.
    static let upsert = """
        ON CONFLICT (persona_id, post_id) DO UPDATE SET
            source_key = excluded.source_key, created_at = excluded.created_at, kind = excluded.kind,
            text = excluded.text, url = coalesce(excluded.url, url), tags = excluded.tags,
            replies = coalesce(excluded.replies, replies),
            reposts = coalesce(excluded.reposts, reposts),
            likes = coalesce(excluded.likes, likes),
            in_reply_to = coalesce(excluded.in_reply_to, in_reply_to),
            observed_at = excluded.observed_at
        """

    static func tagText(_ tags: [String]) -> String {
        tags.map { $0.filter { $0 != tagSeparator } }.joined(separator: String(tagSeparator))
    }

    /// Upserts posts: newer counts replace older ones, but never with "unmeasured".
    static func insert(_ posts: [Post], persona: PersonaID, sourceKey: String, observedAt: Date, _ db: Database) throws -> Int {
        guard !posts.isEmpty else { return 0 }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO post (persona_id, post_id, source_key, created_at, kind, text, url, tags, replies, reposts, likes, in_reply_to, observed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            \(Self.upsert)
            """)
        for post in posts {
            let tags = tagText(post.tags)
            try statement.execute(arguments: [
                persona.rawValue, post.id, sourceKey, post.createdAt.timeIntervalSince1970, post.kind.rawValue,
                post.text, post.url, tags, post.counts.replies, post.counts.reposts, post.counts.likes, post.inReplyTo,
                observedAt.timeIntervalSince1970,
            ])
        }
        return posts.count
    }

    static func insert(_ interactions: [Interaction], persona: PersonaID, sourceKey: String, _ db: Database) throws {
        guard !interactions.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO interaction (persona_id, interaction_id, source_key, kind, at, counterpart, thread)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for interaction in interactions {
            try statement.execute(arguments: [
                persona.rawValue, interaction.id, sourceKey, interaction.kind.rawValue, interaction.at.timeIntervalSince1970,
                interaction.counterpart, interaction.thread,
            ])
        }
    }

    static func insert(_ engagements: [Engagement], persona: PersonaID, sourceKey: String, _ db: Database) throws {
        guard !engagements.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO engagement (persona_id, post_id, metric, actor, source_key) VALUES (?, ?, ?, ?, ?)
            """)
        for engagement in engagements {
            try statement.execute(arguments: [persona.rawValue, engagement.postId, engagement.metric.rawValue, engagement.actor, sourceKey])
        }
    }

    /// The persona's identified engagements on posts created at or after `since`.
    public func engagements(persona: PersonaID, since: Date = .distantPast) throws(StoreError) -> [Engagement] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT e.post_id, e.metric, e.actor FROM engagement e
                    JOIN post p ON p.persona_id = e.persona_id AND p.post_id = e.post_id
                    WHERE e.persona_id = ? AND p.created_at >= ?
                    """), arguments: [persona.rawValue, since.timeIntervalSince1970]).compactMap { row in
                    guard let metric = Metric(rawValue: row[1]) else { return nil }
                    return Engagement(postId: row[0], metric: metric, actor: row[2])
                }
            }
        } catch {
            throw failure("read engagements of \(persona)", error)
        }
    }

    /// The persona's stored interactions at or after `since` (all by default), oldest first.
    public func interactions(persona: PersonaID, since: Date = .distantPast) throws(StoreError) -> [Interaction] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT interaction_id, kind, at, counterpart, thread FROM interaction WHERE persona_id = ? AND at >= ? ORDER BY at
                    """), arguments: [persona.rawValue, since.timeIntervalSince1970]).compactMap { row in
                    guard let kind = Interaction.Kind(rawValue: row[1]) else { return nil }
                    return Interaction(id: row[0], kind: kind, at: Date(timeIntervalSince1970: row[2]), counterpart: row[3], thread: row[4])
                }
            }
        } catch {
            throw failure("read interactions of \(persona)", error)
        }
    }

    /// The persona's posts created at or after `since` (all of them by default), oldest first.
    /// Scoring asks only for its window, and without the texts it does not read, so that a
    /// persona's long history is never all in memory.
    public func posts(persona: PersonaID, since: Date = .distantPast, withText: Bool = true) throws(StoreError) -> [Post] {
        do {
            return try pool.read { db in
                let statement = try db.cachedStatement(sql: """
                    SELECT post_id, created_at, kind, \(withText ? "text" : "''"), url, tags, replies, reposts, likes, in_reply_to
                    FROM post WHERE persona_id = ? AND created_at >= ? ORDER BY created_at
                    """)
                return try Row.fetchAll(statement, arguments: [persona.rawValue, since.timeIntervalSince1970]).map { row in
                    let tags: String = row[5]
                    return Post(
                        id: row[0], createdAt: Date(timeIntervalSince1970: row[1]), kind: PostKind(rawValue: row[2]) ?? .original,
                        text: row[3], url: row[4],
                        tags: tags.isEmpty ? [] : tags.split(separator: Self.tagSeparator).map(String.init),
                        counts: EngagementCounts(replies: row[6], reposts: row[7], likes: row[8]), inReplyTo: row[9])
                }
            }
        } catch {
            throw failure("read posts of \(persona)", error)
        }
    }

    // MARK: Source state

    /// The columns `sourceState(_:)` reads, by position (by-name lookup costs more than the read).
    static let stateColumns = """
        source_key, persona_id, kind, location, validators, memo, content_signature, last_attempt, last_success,
        last_error, consecutive_failures, audience, next_attempt, not_before, http_status, gone
        """

    public func sourceState(key: String) throws(StoreError) -> SourceState? {
        do {
            return try pool.read { db in
                try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.stateColumns) FROM source_state WHERE source_key = ?"), arguments: [key])
                    .flatMap(Self.sourceState)
            }
        } catch {
            throw failure("read source state \(key)", error)
        }
    }

    /// Every stored source state, keyed by source key: one query for a whole cycle.
    public func sourceStates() throws(StoreError) -> [String: SourceState] {
        do {
            return try pool.read { db in
                var states: [String: SourceState] = [:]
                let rows = try Row.fetchCursor(db, sql: "SELECT \(Self.stateColumns) FROM source_state")
                while let row = try rows.next() {
                    if let state = Self.sourceState(row) { states[state.key] = state }
                }
                return states
            }
        } catch {
            throw failure("read source states", error)
        }
    }

    private static func sourceState(_ row: Row) -> SourceState? {
        guard let persona = PersonaID(rawValue: row[1]), let kind = SourceKind(rawValue: row[2]) else { return nil }
        var state = SourceState(key: row[0], personaID: persona, kind: kind, location: row[3])
        state.validators = Self.decodeValidators(row[4])
        state.memo = Self.decodeMemo(row[5])
        state.contentSignature = row[6]
        state.lastAttempt = (row[7] as Double?).map(Date.init(timeIntervalSince1970:))
        state.lastSuccess = (row[8] as Double?).map(Date.init(timeIntervalSince1970:))
        state.lastError = row[9]
        state.consecutiveFailures = row[10]
        state.audience = row[11]
        state.nextAttempt = (row[12] as Double?).map(Date.init(timeIntervalSince1970:))
        state.notBefore = (row[13] as Double?).map(Date.init(timeIntervalSince1970:))
        state.httpStatus = row[14]
        state.gone = row[15]
        return state
    }

    /// Sources whose server asked for no requests before a time still to come.
    public func notBefore(after now: Date) throws(StoreError) -> [String: Date] {
        do {
            return try pool.read { db in
                var result: [String: Date] = [:]
                let rows = try Row.fetchCursor(db, sql: "SELECT source_key, not_before FROM source_state WHERE not_before > ?",
                                               arguments: [now.timeIntervalSince1970])
                while let row = try rows.next() { result[row[0]] = Date(timeIntervalSince1970: row[1]) }
                return result
            }
        } catch {
            throw failure("read servers' retry times", error)
        }
    }

    // Validators and memos are lines of tab-separated fields: URLs, ETags, dates and ids hold no
    // tabs or newlines (any that appear are dropped), and this costs nothing to read per source.
    static func clean(_ text: String) -> String { text.filter { $0 != "\t" && $0 != "\n" } }

    static func encode(_ validators: [String: Validators]) -> String {
        validators.keys.sorted().map { url in
            let value = validators[url]
            return [url, value?.etag ?? "", value?.lastModified ?? ""].map(clean).joined(separator: "\t")
        }.joined(separator: "\n")
    }

    static func decodeValidators(_ text: String) -> [String: Validators] {
        var result: [String: Validators] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            result[String(fields[0])] = Validators(etag: fields[1].isEmpty ? nil : String(fields[1]),
                                                    lastModified: fields[2].isEmpty ? nil : String(fields[2]))
        }
        return result
    }

    static func encode(_ memo: [String: String]) -> String {
        memo.keys.sorted().map { clean($0) + "\t" + clean(memo[$0] ?? "") }.joined(separator: "\n")
    }

    static func decodeMemo(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            if fields.count == 2 { result[String(fields[0])] = String(fields[1]) }
        }
        return result
    }

    /// Saves a source's state and, in the same transaction, the posts its poll read.
    public func save(_ state: SourceState, posts: [Post] = [], observedAt: Date = Date()) throws(StoreError) {
        try commit([SourceUpdate(state: state, posts: posts, observedAt: observedAt)])
    }

    /// Saves many sources' states and posts in one transaction.
    public func commit(_ updates: [SourceUpdate]) throws(StoreError) {
        guard !updates.isEmpty else { return }
        do {
            try pool.write { db in
                let statement = try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO source_state
                        (source_key, persona_id, kind, location, validators, memo, content_signature,
                         last_attempt, last_success, last_error, consecutive_failures, audience,
                         next_attempt, not_before, http_status, gone)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                let times = try db.cachedStatement(sql: """
                    UPDATE source_state SET last_attempt = ?, last_success = ?, next_attempt = ?, http_status = ? WHERE source_key = ?
                    """)
                for update in updates {
                    let state = update.state
                    if update.timesOnly, update.posts.isEmpty, update.interactions.isEmpty, update.engagements.isEmpty, !update.promoteStaged {
                        try times.execute(arguments: [
                            state.lastAttempt?.timeIntervalSince1970, state.lastSuccess?.timeIntervalSince1970,
                            state.nextAttempt?.timeIntervalSince1970, state.httpStatus, state.key,
                        ])
                        if db.changesCount == 1 { continue }
                    }
                    if update.promoteStaged { try Self.promoteStaged(sourceKey: state.key, observedAt: update.observedAt, db) }
                    _ = try Self.insert(update.posts, persona: state.personaID, sourceKey: state.key, observedAt: update.observedAt, db)
                    try Self.insert(update.interactions, persona: state.personaID, sourceKey: state.key, db)
                    try Self.insert(update.engagements, persona: state.personaID, sourceKey: state.key, db)
                    let validators = Self.encode(state.validators)
                    let memo = Self.encode(state.memo)
                    try statement.execute(arguments: [
                        state.key, state.personaID.rawValue, state.kind.rawValue, state.location, validators, memo,
                        state.contentSignature, state.lastAttempt?.timeIntervalSince1970,
                        state.lastSuccess?.timeIntervalSince1970, state.lastError, state.consecutiveFailures, state.audience,
                        state.nextAttempt?.timeIntervalSince1970, state.notBefore?.timeIntervalSince1970, state.httpStatus, state.gone,
                    ])
                }
            }
        } catch {
            throw failure("save \(updates.count) source states", error)
        }
    }

    // MARK: Personas and score history

    /// What was last written for each persona.
    public func personaRecords() throws(StoreError) -> [PersonaID: PersonaRecord] {
        do {
            return try pool.read { db in
                var records: [PersonaID: PersonaRecord] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT * FROM persona_state") {
                    guard let id = PersonaID(rawValue: row["persona_id"]) else { continue }
                    records[id] = PersonaRecord(
                        fingerprint: row["fingerprint"], configDigest: row["config_digest"], writtenAt: Date(timeIntervalSince1970: row["written_at"]),
                        scoreValue: row["score_value"], scoreStatus: row["score_status"], formulaVersion: row["formula_version"])
                }
                return records
            }
        } catch {
            throw failure("read persona records", error)
        }
    }

    /// Saves what was written for these personas, and the scores to add to their history, in one transaction.
    public func commit(records: [PersonaID: PersonaRecord], scores: [(persona: PersonaID, generatedAt: Date, score: Score)]) throws(StoreError) {
        try commit(records: records, history: scores.map { HistoryEntry(persona: $0.persona, generatedAt: $0.generatedAt, score: $0.score) })
    }

    /// Saves what was written for these personas, and history entries already encoded (callers
    /// encode them on several threads), in one transaction.
    public func commit(records: [PersonaID: PersonaRecord], history: [HistoryEntry]) throws(StoreError) {
        guard !records.isEmpty || !history.isEmpty else { return }
        do {
            try pool.write { db in
                let record = try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO persona_state (persona_id, fingerprint, config_digest, written_at, score_value, score_status, formula_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                for (id, value) in records {
                    try record.execute(arguments: [id.rawValue, value.fingerprint, value.configDigest, value.writtenAt.timeIntervalSince1970,
                                                   value.scoreValue, value.scoreStatus, value.formulaVersion])
                }
                for entry in history { try Self.insert(entry, db) }
            }
        } catch {
            throw failure("save persona records", error)
        }
    }

    /// The persona's latest history entries, newest first, as `previous` needs them: read from
    /// plain columns, without decoding the stored score.
    public func recentHistory(persona: PersonaID, limit: Int) throws(StoreError) -> [PersonaSnapshot.PreviousScore] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT generated_at, value, status, formula_version, parts FROM score_history
                    WHERE persona_id = ? ORDER BY generated_at DESC LIMIT ?
                    """), arguments: [persona.rawValue, limit]).compactMap { row in
                    guard let status = ScoreStatus(rawValue: row[2]) else { return nil }
                    return PersonaSnapshot.PreviousScore(
                        generatedAt: Date(timeIntervalSince1970: row[0]), value: row[1], status: status, formulaVersion: row[3],
                        components: Self.parts(from: row[4]))
                }
            }
        } catch {
            throw failure("read the score history of \(persona)", error)
        }
    }

    /// Each component's points, one line each: `name TAB normalized TAB contribution` (`-` for none).
    static func partsText(_ score: Score) -> String {
        score.components.map { component in
            "\(component.name)\t\(component.normalized.map { "\($0)" } ?? "-")\t\(component.contribution.map { "\($0)" } ?? "-")"
        }.joined(separator: "\n")
    }

    static func parts(from text: String) -> [PersonaSnapshot.PreviousScore.Part] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3 else { return nil }
            return PersonaSnapshot.PreviousScore.Part(name: String(fields[0]), normalized: Double(fields[1]), contribution: Double(fields[2]))
        }
    }

    /// One score history entry, encoded: the score as the snapshot states it (its JSON, written by
    /// the snapshot writer), and the columns `previous` reads.
    public struct HistoryEntry: Sendable {
        var persona: PersonaID
        var generatedAt: Date
        var formulaVersion: String
        var status: String
        var value: Double?
        var json: String
        var parts: String

        public init(persona: PersonaID, generatedAt: Date, score: Score) {
            self.persona = persona
            self.generatedAt = generatedAt
            formulaVersion = score.formulaVersion
            status = score.status.rawValue
            value = score.value
            json = String(decoding: SnapshotJSON.encodeHistory(score), as: UTF8.self)
            parts = Store.partsText(score)
        }
    }

    static func insert(_ entry: HistoryEntry, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO score_history (persona_id, generated_at, formula_version, status, value, score_json, parts)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [
            entry.persona.rawValue, entry.generatedAt.timeIntervalSince1970, entry.formulaVersion, entry.status, entry.value,
            entry.json, entry.parts,
        ])
    }

    /// For each persona, the times of its history entries computed by a formula other than `formulaVersion`.
    public func historyPoints(otherThan formulaVersion: String) throws(StoreError) -> [PersonaID: [Date]] {
        do {
            return try pool.read { db in
                var points: [PersonaID: [Date]] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT persona_id, generated_at FROM score_history WHERE formula_version != ? ORDER BY generated_at
                    """, arguments: [formulaVersion]) {
                    guard let id = PersonaID(rawValue: row[0]) else { continue }
                    points[id, default: []].append(Date(timeIntervalSince1970: row[1]))
                }
                return points
            }
        } catch {
            throw failure("read the score history", error)
        }
    }

    /// Replaces a persona's history entries of formulas other than `formulaVersion` by `entries`
    /// (recomputed with it), in one transaction: the history never mixes two formulas.
    public func replaceHistory(persona: PersonaID, formulaVersion: String, entries: [(generatedAt: Date, score: Score)]) throws(StoreError) {
        do {
            try pool.write { db in
                try db.execute(sql: "DELETE FROM score_history WHERE persona_id = ? AND formula_version != ?",
                               arguments: [persona.rawValue, formulaVersion])
                for entry in entries { try Self.insert(HistoryEntry(persona: persona, generatedAt: entry.generatedAt, score: entry.score), db) }
            }
        } catch {
            throw failure("replace the score history of \(persona)", error)
        }
    }

    public func recordScore(_ score: Score, persona: PersonaID, generatedAt: Date) throws(StoreError) {
        try commit(records: [:], scores: [(persona, generatedAt, score)])
    }

    /// The score history of a persona, oldest first.
    /// The persona's whole history, oldest first, each score as its snapshot stated it.
    public func scoreHistory(persona: PersonaID) throws(StoreError) -> [(generatedAt: Date, score: PersonaSnapshot.ScoreSection)] {
        do {
            let decoder = SnapshotCoding.decoder()
            return try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT generated_at, score_json FROM score_history WHERE persona_id = ? ORDER BY generated_at", arguments: [persona.rawValue])
                    .compactMap { row in
                        let json: String = row["score_json"]
                        guard let score = try? decoder.decode(PersonaSnapshot.ScoreSection.self, from: Data(json.utf8)) else { return nil }
                        return (Date(timeIntervalSince1970: row["generated_at"]), score)
                    }
            }
        } catch {
            throw failure("read score history of \(persona)", error)
        }
    }
}
