import Foundation
import GRDB
import PersonaModel
import PersonaUtilities

extension Store {
    // MARK: Source state

    /// The columns `sourceState(_:)` reads, by position (by-name lookup costs more than the read).
    static let stateColumns = """
        source_key, persona_id, kind, location, validators, memo, content_signature, last_attempt, last_success,
        last_error, consecutive_failures, audience, next_attempt, not_before, http_status, gone, notes
        """

    public func sourceState(key: String) throws(StoreError) -> SourceState? {
        do {
            return try pool.read { db in
                try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.stateColumns) FROM source_state WHERE source_key = ?"), arguments: [key])
                    .flatMap { row in try Self.sourceState(row) }
            }
        } catch {
            throw failure("read source state \(key)", error)
        }
    }

    /// Every stored source state, keyed by source key: one query for a whole cycle.
    public func sourceStates() throws(StoreError) -> [String: SourceState] {
        try sourceStates(sql: "SELECT \(Self.stateColumns) FROM source_state", arguments: [])
    }

    /// The stored states of these sources (those never read have none): one query, the keys passed
    /// as one JSON array, so that a cycle over a few sources does not read every source's state.
    public func sourceStates(of keys: some Collection<String>) throws(StoreError) -> [String: SourceState] {
        guard !keys.isEmpty else { return [:] }
        return try sourceStates(sql: "SELECT \(Self.stateColumns) FROM source_state WHERE source_key IN (SELECT value FROM json_each(?))",
                                arguments: [JSONText.array(Array(keys))])
    }

    private func sourceStates(sql: String, arguments: StatementArguments) throws(StoreError) -> [String: SourceState] {
        do {
            return try pool.read { db in
                var states: [String: SourceState] = [:]
                let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                while let row = try rows.next() {
                    if let state = try Self.sourceState(row) { states[state.key] = state }
                }
                return states
            }
        } catch {
            throw failure("read source states", error)
        }
    }

    /// nil for a row of a kind this version does not know; a malformed column is an error.
    private static func sourceState(_ row: Row) throws -> SourceState? {
        guard let persona = PersonaID(rawValue: row[1]), let kind = SourceKind(rawValue: row[2]) else { return nil }
        var state = SourceState(key: row[0], personaID: persona, kind: kind, location: row[3])
        state.validators = try StoreColumns.validators(from: row[4])
        state.memo = try StoreColumns.memo(from: row[5])
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
        let notes: String = row[16]
        state.notes = notes.isEmpty ? [] : notes.split(separator: "\n").map(String.init)
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
                         next_attempt, not_before, http_status, gone, notes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
                    let validators = StoreColumns.validators(state.validators)
                    let memo = StoreColumns.memo(state.memo)
                    try statement.execute(arguments: [
                        state.key, state.personaID.rawValue, state.kind.rawValue, state.location, validators, memo,
                        state.contentSignature, state.lastAttempt?.timeIntervalSince1970,
                        state.lastSuccess?.timeIntervalSince1970, state.lastError, state.consecutiveFailures, state.audience,
                        state.nextAttempt?.timeIntervalSince1970, state.notBefore?.timeIntervalSince1970, state.httpStatus, state.gone,
                        // One line each (a note never holds a line break: `SourceRefresh` folds them).
                        state.notes.joined(separator: "\n"),
                    ])
                }
            }
        } catch {
            throw failure("save \(updates.count) source states", error)
        }
        countSourceCommit()
    }
}
