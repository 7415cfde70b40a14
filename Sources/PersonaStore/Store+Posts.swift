import Foundation
import GRDB
import PersonaModel

extension Store {
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

    // MARK: Staging (large exports)

    /// Stages posts read from a source that is still being read: they reach the `post` table only
    /// when the read succeeds (`SourceUpdate.promoteStaged`), so a damaged archive that is found out
    /// at its end (a CRC mismatch) leaves nothing behind.
    public func stage(_ posts: [Post], persona: PersonaID, sourceKey: String) throws(StoreError) {
        guard !posts.isEmpty else { return }
        do {
            try pool.write { db in
                let insert = try RowInserter(db, sql: """
                    INSERT INTO post_staging (source_key, persona_id, post_id, created_at, kind, text, url, tags, replies, reposts, likes, in_reply_to)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                defer { insert.finish() }
                for post in posts {
                    try insert.bind(sourceKey, at: 1)
                    try insert.bind(persona.rawValue, at: 2)
                    try Self.bind(post, into: insert, from: 3)
                    try insert.step()
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

    /// Moves a source's staged posts into `post`. They go in the table's key order, so that the
    /// B-tree fills from one end: in the order they were read (an archive lists newest first, its
    /// ids falling) each post went to the front of the persona's range, and the copy of 300,000
    /// posts took 1.74 s instead of 0.77 (sort included). Among copies of one post in one read,
    /// the last read still wins (`rowid` breaks the tie).
    static func promoteStaged(sourceKey: String, observedAt: Date, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO post (persona_id, post_id, source_key, created_at, kind, text, url, tags, replies, reposts, likes, in_reply_to, observed_at)
            SELECT persona_id, post_id, source_key, created_at, kind, text, url, tags, replies, reposts, likes, in_reply_to, ?
            FROM post_staging WHERE source_key = ? ORDER BY persona_id, post_id, rowid
            \(Self.upsert);
            DELETE FROM post_staging WHERE source_key = ?;
            """, arguments: [observedAt.timeIntervalSince1970, sourceKey, sourceKey])
    }

    /// How a post already stored takes another observation: the more recent one (by `observed_at`:
    /// the time of a poll, or an export's own date) gives the counts, but a count it could not
    /// measure (NULL) never erases one that was measured; an older one (an archive made before the
    /// data already stored) only fills in what is missing.
    static let upsert = """
        ON CONFLICT (persona_id, post_id) DO UPDATE SET
            source_key = CASE WHEN excluded.observed_at >= observed_at THEN excluded.source_key ELSE source_key END,
            created_at = CASE WHEN excluded.observed_at >= observed_at THEN excluded.created_at ELSE created_at END,
            kind = CASE WHEN excluded.observed_at >= observed_at THEN excluded.kind ELSE kind END,
            text = CASE WHEN excluded.observed_at >= observed_at THEN excluded.text ELSE text END,
            tags = CASE WHEN excluded.observed_at >= observed_at THEN excluded.tags ELSE tags END,
            url = CASE WHEN excluded.observed_at >= observed_at THEN coalesce(excluded.url, url) ELSE coalesce(url, excluded.url) END,
            replies = CASE WHEN excluded.observed_at >= observed_at THEN coalesce(excluded.replies, replies) ELSE coalesce(replies, excluded.replies) END,
            reposts = CASE WHEN excluded.observed_at >= observed_at THEN coalesce(excluded.reposts, reposts) ELSE coalesce(reposts, excluded.reposts) END,
            likes = CASE WHEN excluded.observed_at >= observed_at THEN coalesce(excluded.likes, likes) ELSE coalesce(likes, excluded.likes) END,
            in_reply_to = CASE WHEN excluded.observed_at >= observed_at THEN coalesce(excluded.in_reply_to, in_reply_to) ELSE coalesce(in_reply_to, excluded.in_reply_to) END,
            observed_at = max(observed_at, excluded.observed_at)
        """

    /// Binds a post's ten columns in the order both post tables list them: `post_id, created_at,
    /// kind, text, url, tags, replies, reposts, likes, in_reply_to`, the first at `first`.
    private static func bind(_ post: Post, into insert: RowInserter, from first: Int32) throws {
        try insert.bind(post.id, at: first)
        try insert.bind(post.createdAt.timeIntervalSince1970, at: first + 1)
        try insert.bind(post.kind.rawValue, at: first + 2)
        try insert.bind(post.text, at: first + 3)
        try insert.bind(post.url, at: first + 4)
        try insert.bind(StoreColumns.tags(post.tags), at: first + 5)
        try insert.bind(post.counts.replies, at: first + 6)
        try insert.bind(post.counts.reposts, at: first + 7)
        try insert.bind(post.counts.likes, at: first + 8)
        try insert.bind(post.inReplyTo, at: first + 9)
    }

    /// Upserts posts: newer counts replace older ones, but never with "unmeasured".
    static func insert(_ posts: [Post], persona: PersonaID, sourceKey: String, observedAt: Date, _ db: Database) throws -> Int {
        guard !posts.isEmpty else { return 0 }
        let insert = try RowInserter(db, sql: """
            INSERT INTO post (persona_id, source_key, post_id, created_at, kind, text, url, tags, replies, reposts, likes, in_reply_to, observed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            \(Self.upsert)
            """)
        defer { insert.finish() }
        for post in posts {
            try insert.bind(persona.rawValue, at: 1)
            try insert.bind(sourceKey, at: 2)
            try Self.bind(post, into: insert, from: 3)
            try insert.bind(observedAt.timeIntervalSince1970, at: 13)
            try insert.step()
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
            INSERT OR IGNORE INTO engagement (persona_id, post_id, metric, actor, source_key, fresh) VALUES (?, ?, ?, ?, ?, ?)
            """)
        // An engager is described as it was when first seen reacting: a fresh account that later
        // grows up does not change what its early reaction was worth.
        for engagement in engagements {
            try statement.execute(arguments: [persona.rawValue, engagement.postId, engagement.metric.rawValue, engagement.actor, sourceKey,
                                              engagement.fresh])
        }
    }

    /// The persona's identified engagements on posts created at or after `since`.
    public func engagements(persona: PersonaID, since: Date = .distantPast) throws(StoreError) -> [Engagement] {
        do {
            return try pool.read { db in try Self.engagements(db, persona: persona, since: since) }
        } catch {
            throw failure("read engagements of \(persona)", error)
        }
    }

    /// Rows read through a cursor: each row is read where SQLite holds it, not copied first.
    static func engagements(_ db: Database, persona: PersonaID, since: Date) throws -> [Engagement] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT e.post_id, e.metric, e.actor, e.fresh FROM engagement e
            JOIN post p ON p.persona_id = e.persona_id AND p.post_id = e.post_id
            WHERE e.persona_id = ? AND p.created_at >= ?
            """), arguments: [persona.rawValue, since.timeIntervalSince1970])
        var engagements: [Engagement] = []
        while let row = try rows.next() {
            guard let metric = Metric(rawValue: row[1]) else { continue }
            engagements.append(Engagement(postId: row[0], metric: metric, actor: row[2], fresh: row[3]))
        }
        return engagements
    }

    /// The persona's stored interactions at or after `since` (all by default), oldest first.
    public func interactions(persona: PersonaID, since: Date = .distantPast) throws(StoreError) -> [Interaction] {
        do {
            return try pool.read { db in try Self.interactions(db, persona: persona, since: since) }
        } catch {
            throw failure("read interactions of \(persona)", error)
        }
    }

    static func interactions(_ db: Database, persona: PersonaID, since: Date) throws -> [Interaction] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT interaction_id, kind, at, counterpart, thread FROM interaction WHERE persona_id = ? AND at >= ? ORDER BY at
            """), arguments: [persona.rawValue, since.timeIntervalSince1970])
        var interactions: [Interaction] = []
        while let row = try rows.next() {
            guard let kind = Interaction.Kind(rawValue: row[1]) else { continue }
            interactions.append(Interaction(id: row[0], kind: kind, at: Date(timeIntervalSince1970: row[2]), counterpart: row[3], thread: row[4]))
        }
        return interactions
    }

    /// What scoring reads of a persona, in one read transaction (one snapshot of the store, and
    /// one connection checkout instead of three): its posts from `since` (texts cut to
    /// `scoringTextLength`), its interactions and its identified engagements.
    public func scoringData(persona: PersonaID, since: Date) throws(StoreError) -> (posts: [Post], interactions: [Interaction], engagements: [Engagement]) {
        do {
            return try pool.read { db in
                (try Self.posts(db, persona: persona, since: since, withText: false), try Self.interactions(db, persona: persona, since: since),
                 try Self.engagements(db, persona: persona, since: since))
            }
        } catch {
            throw failure("read the posts, interactions and engagements of \(persona)", error)
        }
    }

    /// The characters of a post's text the scorer reads.
    public static let scoringTextLength = 200

    /// The persona's posts created at or after `since` (all of them by default), oldest first.
    /// Scoring asks only for its window, and without the texts it does not read, so that a
    /// persona's long history is never all in memory.
    ///
    /// - Parameter withText: the whole text, or (false) its first `Store.scoringTextLength`
    ///   characters: enough for the scorer to tell a template reply or a question, without holding
    ///   every long text of a large window.
    public func posts(persona: PersonaID, since: Date = .distantPast, withText: Bool = true) throws(StoreError) -> [Post] {
        do {
            return try pool.read { db in try Self.posts(db, persona: persona, since: since, withText: withText) }
        } catch {
            throw failure("read posts of \(persona)", error)
        }
    }

    static func posts(_ db: Database, persona: PersonaID, since: Date, withText: Bool) throws -> [Post] {
        let statement = try db.cachedStatement(sql: """
            SELECT post_id, created_at, kind, \(withText ? "text" : "substr(text, 1, \(Self.scoringTextLength))"), url, tags,
                   replies, reposts, likes, in_reply_to
            FROM post WHERE persona_id = ? AND created_at >= ? ORDER BY created_at
            """)
        let rows = try Row.fetchCursor(statement, arguments: [persona.rawValue, since.timeIntervalSince1970])
        var posts: [Post] = []
        while let row = try rows.next() {
            let tags = try StoreColumns.tags(from: row[5])
            posts.append(Post(
                id: row[0], createdAt: Date(timeIntervalSince1970: row[1]), kind: PostKind(rawValue: row[2]) ?? .original,
                text: row[3], url: row[4],
                tags: tags,
                counts: EngagementCounts(replies: row[6], reposts: row[7], likes: row[8]), inReplyTo: row[9]))
        }
        return posts
    }

    /// What is stored of a persona's own posts (self-replies not counted) before `before`: how
    /// many, the newest one's date, and the date of the `nth` newest (`nil` if fewer are stored).
    public func postsBefore(_ before: Date, persona: PersonaID, nth: Int) throws(StoreError) -> (count: Int, newest: Date?, nth: Date?) {
        do {
            return try pool.read { db in
                let row = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT COUNT(*), MAX(created_at) FROM post WHERE persona_id = ? AND kind != 'self_reply' AND created_at < ?
                    """), arguments: [persona.rawValue, before.timeIntervalSince1970])
                let nthDate = try Double.fetchOne(db.cachedStatement(sql: """
                    SELECT created_at FROM post WHERE persona_id = ? AND kind != 'self_reply' AND created_at < ?
                    ORDER BY created_at DESC LIMIT 1 OFFSET ?
                    """), arguments: [persona.rawValue, before.timeIntervalSince1970, max(0, nth - 1)])
                let newest: Double? = row?[1]
                return (row?[0] ?? 0, newest.map(Date.init(timeIntervalSince1970:)), nthDate.map(Date.init(timeIntervalSince1970:)))
            }
        } catch {
            throw failure("count the stored posts of \(persona)", error)
        }
    }
}
