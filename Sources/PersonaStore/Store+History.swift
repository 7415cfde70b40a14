import Foundation
import GRDB
import PersonaModel
import PersonaSnapshots
import PersonaUtilities

extension Store {
    // MARK: Personas and score history

    /// What was last written for these personas (those never written have no record): one query
    /// (the ids passed as one JSON array), so that a pass over a few personas does not read them all.
    public func personaRecords(of personas: some Collection<PersonaID>) throws(StoreError) -> [PersonaID: PersonaRecord] {
        guard !personas.isEmpty else { return [:] }
        do {
            return try pool.read { db in
                var records: [PersonaID: PersonaRecord] = [:]
                let rows = try Row.fetchCursor(db, sql: "SELECT * FROM persona_state WHERE persona_id IN (SELECT value FROM json_each(?))",
                                               arguments: [JSONText.array(personas.map(\.rawValue))])
                while let row = try rows.next() {
                    guard let id = PersonaID(rawValue: row["persona_id"]) else { continue }
                    records[id] = PersonaRecord(
                        fingerprint: row["fingerprint"], configDigest: row["config_digest"], writtenAt: Date(timeIntervalSince1970: row["written_at"]),
                        scoreValue: row["score_value"], scoreStatus: row["score_status"], formulaVersion: row["formula_version"],
                        metrics: row["metrics"])
                }
                return records
            }
        } catch {
            throw failure("read persona records", error)
        }
    }

    /// Forgets what was last written for these personas (their new snapshots could not be
    /// written): they are scored and written again at the next snapshot pass.
    public func forgetRecords(_ personas: [PersonaID]) throws(StoreError) {
        guard !personas.isEmpty else { return }
        do {
            try pool.write { db in
                for persona in personas { try db.execute(sql: "DELETE FROM persona_state WHERE persona_id = ?", arguments: [persona.rawValue]) }
            }
        } catch {
            throw failure("forget the snapshot records of \(personas.count) personas", error)
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
                    INSERT OR REPLACE INTO persona_state (persona_id, fingerprint, config_digest, written_at, score_value, score_status,
                                                          formula_version, metrics)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for (id, value) in records {
                    try record.execute(arguments: [id.rawValue, value.fingerprint, value.configDigest, value.writtenAt.timeIntervalSince1970,
                                                   value.scoreValue, value.scoreStatus, value.formulaVersion, value.metrics])
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
                        components: try StoreColumns.parts(from: row[4]))
                }
            }
        } catch {
            throw failure("read the score history of \(persona)", error)
        }
    }

    /// One score history entry, encoded: the score as the snapshot states it (its compact JSON,
    /// written by the snapshot writer, stored deflated), its interval, and the columns `previous` reads.
    public struct HistoryEntry: Sendable {
        var persona: PersonaID
        var generatedAt: Date
        var formulaVersion: String
        var status: String
        var value: Double?
        var json: Data
        var interval: Interval?
        var parts: String

        public init(persona: PersonaID, generatedAt: Date, score: Score) {
            self.persona = persona
            self.generatedAt = generatedAt
            formulaVersion = score.formulaVersion
            status = score.status.rawValue
            value = score.value
            json = SnapshotJSON.encodeHistory(score)
            interval = score.interval
            parts = StoreColumns.parts(score)
        }
    }

    static func insert(_ entry: HistoryEntry, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO score_history (persona_id, generated_at, formula_version, status, value, score, interval_low, interval_high, parts)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [
            entry.persona.rawValue, entry.generatedAt.timeIntervalSince1970, entry.formulaVersion, entry.status, entry.value,
            try HistoryPacking.pack(entry.json), entry.interval?.low, entry.interval?.high, entry.parts,
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

    /// The persona's whole history, oldest first, each score as its snapshot stated it (without the
    /// evidence, which history does not keep).
    public func scoreHistory(persona: PersonaID) throws(StoreError) -> [(generatedAt: Date, score: PersonaSnapshot.ScoreSection)] {
        do {
            let decoder = SnapshotCoding.decoder()
            return try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT generated_at, score FROM score_history WHERE persona_id = ? ORDER BY generated_at", arguments: [persona.rawValue])
                    .map { row in
                        let packed: Data = row["score"]
                        let generatedAt = Date(timeIntervalSince1970: row["generated_at"])
                        do {
                            return (generatedAt, try decoder.decode(PersonaSnapshot.ScoreSection.self, from: try HistoryPacking.unpack(packed)))
                        } catch {
                            throw StoreColumns.Malformed(column: "score", detail: "the entry of \(generatedAt): \(error)")
                        }
                    }
            }
        } catch {
            throw failure("read score history of \(persona)", error)
        }
    }

    /// Applies the history's retention: entries older than `dailySince` are dropped, and of those
    /// older than `fullSince` only the last of each persona's UTC day is kept. The "previous"
    /// score of every snapshot is the latest entry, which is always kept. Freed pages are reused
    /// by later entries (the file stops growing once retention holds); the WAL is checkpointed
    /// and truncated after a deletion so that it does not keep the deleted rows' size.
    public func applyRetention(fullSince: Date, dailySince: Date) throws(StoreError) -> (thinned: Int, dropped: Int) {
        do {
            let counts = try pool.write { db -> (Int, Int) in
                try db.execute(sql: "DELETE FROM score_history WHERE generated_at < ?", arguments: [dailySince.timeIntervalSince1970])
                let dropped = db.changesCount
                try db.execute(sql: """
                    DELETE FROM score_history WHERE rowid IN (
                        SELECT rowid FROM (
                            SELECT rowid, ROW_NUMBER() OVER (
                                PARTITION BY persona_id, CAST(generated_at / 86400 AS INTEGER) ORDER BY generated_at DESC) AS rank
                            FROM score_history WHERE generated_at < ?)
                        WHERE rank > 1)
                    """, arguments: [fullSince.timeIntervalSince1970])
                return (db.changesCount, dropped)
            }
            if counts.0 + counts.1 > 0 {
                try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            }
            return (thinned: counts.0, dropped: counts.1)
        } catch {
            throw failure("apply the score history's retention", error)
        }
    }

    /// How many history entries the store holds (for tests and the soak's figures).
    public func historyCount() throws(StoreError) -> Int {
        do {
            return try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM score_history") ?? 0 }
        } catch {
            throw failure("count the score history", error)
        }
    }
}
