import Foundation
import GRDB
import PersonaModel
import PersonaSnapshots

/// Reads score history from personad's store without ever writing to it: what `personactl history`
/// and `personactl report` show. The daemon keeps the only writer; this opens the file read-only,
/// runs no migration and takes no write lock, so it may run beside the daemon at any time.
///
/// Important: a reader needs read access to the store, its `-wal` and its `-shm` files (SQLite's
/// write-ahead log), as the daemon's user or a member of the readers group (Docs/operations.md).
public struct HistoryReader: Sendable {
    /// One history entry: the score as it was written at `generatedAt`.
    public struct Entry: Sendable, Hashable {
        public var generatedAt: Date
        public var value: Double?
        public var status: String
        public var formulaVersion: String
        public var interval: Interval?
        /// Each component's normalized value (0–100) and its points in the score; nil where not measured.
        public var parts: [PersonaSnapshot.PreviousScore.Part]
    }

    public let path: String
    private let queue: DatabaseQueue

    /// Opens the store at `path` read-only. A missing file is an error (nothing creates it here).
    public init(path: String) throws(StoreError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(path: path, operation: "open", detail: "no such file (has personad run yet?)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            // A stopped daemon leaves no -shm file, and a reader who may not write the directory
            // cannot create one: SQLite then refuses even a read-only open of a WAL database.
            // With no writer running the file is immutable for as long as this reads it.
            guard !FileManager.default.fileExists(atPath: path + "-shm"), !FileManager.default.fileExists(atPath: path + "-wal"),
                  let immutable = try? DatabaseQueue(path: "file:\(path)?immutable=1", configuration: configuration) else {
                throw StoreError(path: path, operation: "open read-only", detail: "\(error)")
            }
            queue = immutable
        }
    }

    /// The persona's entries since `since` (all when nil), oldest first. The interval has columns
    /// of its own (in a store the daemon has not yet migrated, SQLite's JSON functions read it from
    /// the stored score), so no entry is inflated or decoded here.
    public func entries(persona: PersonaID, since: Date? = nil) throws(StoreError) -> [Entry] {
        do {
            return try queue.read { db in
                guard try db.tableExists("score_history") else { return [] }
                let interval = try db.columns(in: "score_history").contains { $0.name == "interval_low" }
                    ? "interval_low, interval_high"
                    : "json_extract(score_json, '$.interval.low'), json_extract(score_json, '$.interval.high')"
                let rows = try Row.fetchAll(db, sql: """
                    SELECT generated_at, value, status, formula_version, parts, \(interval)
                    FROM score_history WHERE persona_id = ? AND generated_at >= ? ORDER BY generated_at
                    """, arguments: [persona.rawValue, since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude])
                return try rows.map { row in
                    let low: Double? = row[5]
                    let high: Double? = row[6]
                    return Entry(
                        generatedAt: Date(timeIntervalSince1970: row[0]), value: row[1], status: row[2], formulaVersion: row[3],
                        interval: low.flatMap { low in high.map { Interval(low: low, high: $0) } },
                        parts: try StoreColumns.parts(from: row[4]))
                }
            }
        } catch {
            throw StoreError(path: path, operation: "read the score history of \(persona)", detail: "\(error)")
        }
    }
}
