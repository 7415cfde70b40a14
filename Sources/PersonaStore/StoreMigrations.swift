import Foundation
import GRDB

extension Store {
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
        // v4: the tab- and U+001F-separated columns become JSON (`StoreColumns`), which SQLite's
        // own JSON functions can read too. Each old text is rewritten in place by a SQL function.
        migrator.registerMigration("v4") { db in
            let functions = [
                DatabaseFunction("personad_v4_tags", argumentCount: 1, pure: true) { values in
                    StoreColumns.tags(LegacyColumns.tags(String.fromDatabaseValue(values[0]) ?? ""))
                },
                DatabaseFunction("personad_v4_validators", argumentCount: 1, pure: true) { values in
                    StoreColumns.validators(LegacyColumns.validators(String.fromDatabaseValue(values[0]) ?? ""))
                },
                DatabaseFunction("personad_v4_memo", argumentCount: 1, pure: true) { values in
                    StoreColumns.memo(LegacyColumns.memo(String.fromDatabaseValue(values[0]) ?? ""))
                },
                DatabaseFunction("personad_v4_parts", argumentCount: 1, pure: true) { values in
                    LegacyColumns.parts(String.fromDatabaseValue(values[0]) ?? "")
                },
            ]
            for function in functions { db.add(function: function) }
            defer { for function in functions { db.remove(function: function) } }
            try db.execute(sql: """
                UPDATE post SET tags = personad_v4_tags(tags);
                UPDATE post_staging SET tags = personad_v4_tags(tags);
                UPDATE source_state SET validators = personad_v4_validators(validators), memo = personad_v4_memo(memo);
                UPDATE score_history SET parts = personad_v4_parts(parts);
                """)
        }
        // v5: an engager that was a fresh, empty account when it reacted counts a tenth of a person.
        migrator.registerMigration("v5") { db in
            try db.execute(sql: "ALTER TABLE engagement ADD COLUMN fresh INTEGER NOT NULL DEFAULT 0")
        }
        // v6: history entries are stored deflated (`HistoryPacking`), their interval in columns of
        // its own; the evidence is no longer kept in history (`SnapshotJSON.encodeHistory`), but
        // entries written before keep theirs.
        migrator.registerMigration("v6") { db in
            try db.execute(sql: """
                ALTER TABLE score_history ADD COLUMN score BLOB;
                ALTER TABLE score_history ADD COLUMN interval_low REAL;
                ALTER TABLE score_history ADD COLUMN interval_high REAL;
                UPDATE score_history SET interval_low = json_extract(score_json, '$.interval.low'),
                                         interval_high = json_extract(score_json, '$.interval.high');
                """)
            // In batches by rowid: a long history is never in memory at once, and no cursor is
            // open over the rows being updated.
            let update = try db.makeStatement(sql: "UPDATE score_history SET score = ? WHERE rowid = ?")
            var last: Int64 = .min
            while true {
                let rows = try Row.fetchAll(db, sql: "SELECT rowid, score_json FROM score_history WHERE rowid > ? ORDER BY rowid LIMIT 1000",
                                            arguments: [last])
                guard let final = rows.last else { break }
                for row in rows {
                    let json: String = row[1]
                    try update.execute(arguments: [try HistoryPacking.pack(Data(json.utf8)), row[0] as Int64])
                }
                last = final[0]
            }
            try db.execute(sql: "ALTER TABLE score_history DROP COLUMN score_json")
        }
        // v7: what the reader skipped or repaired in a source's last read, one note a line.
        migrator.registerMigration("v7") { db in
            try db.execute(sql: "ALTER TABLE source_state ADD COLUMN notes TEXT NOT NULL DEFAULT ''")
        }
        // v8: what the metrics file shows of each written snapshot (`PersonaRecord.metrics`).
        migrator.registerMigration("v8") { db in
            try db.execute(sql: "ALTER TABLE persona_state ADD COLUMN metrics TEXT")
        }
        // v9: staged posts without an index. Staging holds one read (or a few at once); its
        // promotion and discard scan it whole anyway, and the index cost a third of every staged
        // row's insert and of its deletion (an X archive of 300,000 posts: 0.65 → 0.43 s, 0.48 → 0.28 s).
        migrator.registerMigration("v9") { db in
            try db.execute(sql: "DROP INDEX IF EXISTS post_staging_by_source")
        }
        return migrator
    }
}
