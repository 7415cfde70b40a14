import Foundation
import GRDB
import Synchronization
import PersonaModel

/// Errors from the store name the database file and the operation.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var detail: String
    public var description: String { "\(path): \(operation): \(detail)" }
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
    let pool: DatabasePool
    private let sourceCommits = Mutex(0)

    /// How many batches of source states have been committed through this `Store`. A reader that
    /// holds states read earlier compares it before and after its own commit: a difference of more
    /// than one means another writer (an overlapping cycle) committed in between.
    public var sourceCommitCount: Int { sourceCommits.withLock { $0 } }

    func countSourceCommit() { sourceCommits.withLock { $0 += 1 } }

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

    func failure(_ operation: String, _ error: any Error) -> StoreError {
        StoreError(path: path, operation: operation, detail: "\(error)")
    }
}
