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
        return migrator
    }
}
