import Foundation
import GRDB
import PersonaModel
import PersonaSnapshots
import Testing
import TestSupport
@testable import PersonaStore

/// The JSON columns: what is written reads back the same, an old database is migrated in place,
/// and a damaged column is an error that reaches the caller.
@Suite final class StoreColumnsTests {
    let directory: TemporaryDirectory
    let persona = PersonaID(rawValue: "ana-x")!

    init() throws { directory = try TemporaryDirectory("columns") }

    deinit { directory.remove() }

    @Test(arguments: [
        [String](), ["swift"], ["a\u{1F}b", "tab\there", "quote\"back\\slash", "日本語", "nul\u{0}", ""],
    ])
    func tagsRoundTrip(_ tags: [String]) throws {
        #expect(try StoreColumns.tags(from: StoreColumns.tags(tags)) == tags)
    }

    @Test func validatorsAndMemoRoundTrip() throws {
        let validators = [
            "https://a.example/feed?x=1": Validators(etag: "W/\"abc\"", lastModified: "Tue, 01 Dec 2026 10:00:00 GMT"),
            "https://a.example/other\tweird": Validators(etag: nil, lastModified: nil),
        ]
        #expect(try StoreColumns.validators(from: StoreColumns.validators(validators)) == validators)
        let memo = ["account_id": "109", "with\nnewline": "v\t1", "empty": ""]
        #expect(try StoreColumns.memo(from: StoreColumns.memo(memo)) == memo)
        #expect(try StoreColumns.memo(from: "") == [:]) // the column's SQL default
    }

    @Test func malformedJSONIsAnErrorNamingTheColumn() {
        for text in ["[\"a\"", "{\"a\":", "[1,2]x", "\"just a string\""] {
            #expect(throws: StoreColumns.Malformed.self, "\(text)") { _ = try StoreColumns.memo(from: text) }
        }
        do {
            _ = try StoreColumns.tags(from: "[\"unclosed")
            Issue.record("a truncated tag list was read")
        } catch {
            #expect(error.description.contains("tags"))
        }
    }

    /// A database written before v4 (tab- and U+001F-separated columns) opens with its data intact.
    @Test func aVersion3DatabaseIsMigrated() throws {
        let path = directory.file("old.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try Store.migrator.migrate(queue, upTo: "v3")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO post (persona_id, post_id, source_key, created_at, kind, text, url, tags, replies, reposts, likes, observed_at)
                    VALUES ('ana-x', 'p1', 'k', 1700000000, 'original', 'hello', NULL, 'swift\u{1F}linux', 1, 2, 3, 1700000000),
                           ('ana-x', 'p2', 'k', 1700000100, 'original', 'no tags', NULL, '', NULL, NULL, NULL, 1700000100);
                    INSERT INTO source_state (source_key, persona_id, kind, location, validators, memo)
                    VALUES ('k', 'ana-x', 'api', 'https://a.example',
                            'https://a.example/p1' || char(9) || 'W/"e1"' || char(9) || '' || char(10) || 'https://a.example/p2' || char(9) || '' || char(9) || 'Tue, 01 Dec 2026 10:00:00 GMT',
                            'account_id' || char(9) || '109');
                    INSERT INTO score_history (persona_id, generated_at, formula_version, status, value, score_json, parts)
                    VALUES ('ana-x', 1700000200, '1', 'ok', 52.5, '{}',
                            'conversation' || char(9) || '40.5' || char(9) || '9.72' || char(10) || 'recognition' || char(9) || '-' || char(9) || '-');
                    """)
            }
        }
        let store = try Store(path: path)
        let posts = try store.posts(persona: persona)
        #expect(posts.map(\.tags) == [["swift", "linux"], []])
        let state = try #require(try store.sourceState(key: "k"))
        #expect(state.validators == [
            "https://a.example/p1": Validators(etag: "W/\"e1\"", lastModified: nil),
            "https://a.example/p2": Validators(etag: nil, lastModified: "Tue, 01 Dec 2026 10:00:00 GMT"),
        ])
        #expect(state.memo == ["account_id": "109"])
        let history = try store.recentHistory(persona: persona, limit: 5)
        #expect(history.first?.components == [
            .init(name: "conversation", normalized: 40.5, contribution: 9.72),
            .init(name: "recognition", normalized: nil, contribution: nil),
        ])
        // Every migrated column is JSON SQLite itself accepts.
        let invalid = try store.pool.read { db in
            try Int.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM post WHERE NOT json_valid(tags))
                     + (SELECT count(*) FROM source_state WHERE NOT json_valid(validators) OR NOT json_valid(memo))
                     + (SELECT count(*) FROM score_history WHERE NOT json_valid(parts))
                """)
        }
        #expect(invalid == 0)
    }

    @Test func aDamagedColumnFailsTheReadThatMeetsIt() throws {
        let store = try Store(path: directory.file("damaged.sqlite"))
        try store.record(posts: [Post(id: "p1", createdAt: Date(timeIntervalSince1970: 1_700_000_000), kind: .original, text: "x", tags: ["a"])],
                         persona: persona, sourceKey: "k", observedAt: Date(timeIntervalSince1970: 1_700_000_000))
        try store.pool.write { db in try db.execute(sql: "UPDATE post SET tags = '[\"a\"'") }
        do {
            _ = try store.posts(persona: persona)
            Issue.record("a damaged tags column was read as if fine")
        } catch {
            #expect(error.description.contains("read posts of ana-x"))
            #expect(error.description.contains("tags"))
        }
    }
}
