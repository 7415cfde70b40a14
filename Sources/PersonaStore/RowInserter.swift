import GRDB
import GRDBSQLite

/// One INSERT statement from GRDB's statement cache (prepared once per connection), bound column
/// by column through SQLite's C interface: for the rows written by the thousand (an export's
/// posts, a cycle's posts).
///
/// GRDB's `execute(arguments:)` boxes every value as an existential, converts it to a
/// `DatabaseValue` and binds it through nested closures; on an X archive's staging that was as much
/// CPU as SQLite's own work. Here a text is copied once, by SQLite (`SQLITE_TRANSIENT`).
///
/// Important: use it only inside the `Database` access that made it (a `pool.write` block), and
/// call `finish()` before that block ends (a `defer` right after `init`); it is not `Sendable`.
/// Its SQL must not be run through GRDB's own `execute` as well (the two would share the cached
/// statement's bindings).
struct RowInserter {
    /// Kept so that the cache's statement outlives the pointer used here.
    private let owner: Statement
    private let statement: OpaquePointer
    private let connection: OpaquePointer?
    private let sql: String
    /// SQLite's "copy this text now" destructor, which the C header spells as a macro.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    /// What an empty text is bound from: a NULL pointer would bind SQL NULL, not `''`.
    private static let empty: StaticString = ""

    init(_ db: Database, sql: String) throws {
        owner = try db.cachedStatement(sql: sql)
        statement = owner.sqliteStatement
        connection = db.sqliteConnection
        self.sql = sql
        sqlite3_reset(statement)
    }

    /// Drops the last row's bindings (and SQLite's copies of its texts).
    func finish() { sqlite3_clear_bindings(statement) }

    func bind(_ text: String?, at index: Int32) throws {
        guard var text else { return try check(sqlite3_bind_null(statement, index)) }
        let code = text.withUTF8 { bytes in
            bytes.isEmpty
                ? sqlite3_bind_text(statement, index, UnsafeRawPointer(Self.empty.utf8Start).assumingMemoryBound(to: CChar.self), 0, nil)
                : sqlite3_bind_text(statement, index, UnsafeRawPointer(bytes.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) },
                                    Int32(clamping: bytes.count), Self.transient)
        }
        try check(code)
    }

    func bind(_ value: Int?, at index: Int32) throws {
        guard let value else { return try check(sqlite3_bind_null(statement, index)) }
        try check(sqlite3_bind_int64(statement, index, Int64(value)))
    }

    func bind(_ value: Double, at index: Int32) throws {
        try check(sqlite3_bind_double(statement, index, value))
    }

    /// Runs the statement with what is bound, then readies it for the next row.
    func step() throws {
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
    }
}
