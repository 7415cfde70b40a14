import Foundation
import GRDB
import PersonaModel
import Testing
import TestSupport
@testable import PersonaStore

/// Posts reach the store through `RowInserter` (SQLite's C binding, not GRDB's): every value must
/// come back exactly, whether written directly or staged and promoted.
@Suite final class RowInserterTests {
    let directory: TemporaryDirectory
    let persona = PersonaID(rawValue: "ana-x")!

    init() throws { directory = try TemporaryDirectory("row-inserter") }

    deinit { directory.remove() }

    /// Texts a byte-wise binding could get wrong: empty (NULL is not ''), non-ASCII and emoji, a
    /// long one; counts absent, zero and large. (A NUL inside a text is checked on the stored bytes:
    /// GRDB reads a text column up to its first NUL.)
    var posts: [Post] {
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        return [
            Post(id: "3", createdAt: created.addingTimeInterval(120), kind: .original, text: "",
                 counts: EngagementCounts(replies: nil, reposts: 0, likes: Int(Int32.max) + 7)),
            Post(id: "2", createdAt: created.addingTimeInterval(60.25), kind: .reply, text: "inside, caf\u{e9} \u{1F680}",
                 url: "https://example.org/2", tags: ["swift", "linux"], counts: EngagementCounts(replies: 4, reposts: nil, likes: nil),
                 inReplyTo: "1"),
            Post(id: "1", createdAt: created, kind: .selfReply, text: String(repeating: "long text ", count: 5_000), url: ""),
        ]
    }

    @Test func directAndStagedPostsReadBackExactly() throws {
        let store = try Store(path: directory.file("personad.sqlite"))
        let observed = Date(timeIntervalSince1970: 1_700_001_000)
        try store.record(posts: posts, persona: persona, sourceKey: "api", observedAt: observed)
        #expect(try store.posts(persona: persona).sorted { $0.id < $1.id } == posts.sorted { $0.id < $1.id })

        let other = PersonaID(rawValue: "ana-export")!
        var state = SourceState(key: "export", personaID: other, kind: .export, location: "/exports/x")
        state.lastSuccess = observed
        try store.stage(posts, persona: other, sourceKey: "export")
        #expect(try store.posts(persona: other).isEmpty, "staged posts are not posts until promoted")
        try store.commit([SourceUpdate(state: state, posts: [], observedAt: observed, promoteStaged: true)])
        let promoted = try store.posts(persona: other).sorted { $0.id < $1.id }
        #expect(promoted == posts.sorted { $0.id < $1.id })
        #expect(promoted.first { $0.id == "3" }?.text == "")
        #expect(promoted.first { $0.id == "1" }?.url == "")

        let withNul = Post(id: "4", createdAt: observed, kind: .original, text: "nul\u{0}inside")
        try store.record(posts: [withNul], persona: persona, sourceKey: "api", observedAt: observed)
        let storedBytes = try store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT length(CAST(text AS BLOB)) FROM post WHERE post_id = '4'")
        }
        #expect(storedBytes == withNul.text.utf8.count)

        let left = try store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM post_staging") ?? -1,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name = 'post_staging_by_source'") ?? -1,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM post WHERE text IS NULL OR tags IS NULL") ?? -1)
        }
        #expect(left == (0, 0, 0))
    }

    /// Promotion copies in key order (ids rising) whatever the read order (an archive's, newest
    /// first, ids falling); among copies of one post in one read the last one read still wins.
    @Test func promotionKeepsTheLastCopyReadOfEachPost() throws {
        let store = try Store(path: directory.file("personad.sqlite"))
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        let read = (0..<500).reversed().map { index in
            Post(id: String(1_000_000 + index), createdAt: created.addingTimeInterval(Double(index)), kind: .original,
                 text: "post \(index)", counts: EngagementCounts(likes: index))
        }
        var copies = read
        copies[10].counts = EngagementCounts(likes: -1)
        copies[10].text = "the last copy read"
        try store.stage(Array(read.prefix(250)), persona: persona, sourceKey: "export")
        try store.stage(Array(read.suffix(250)) + [copies[10]], persona: persona, sourceKey: "export")
        var state = SourceState(key: "export", personaID: persona, kind: .export, location: "/exports/x")
        state.lastSuccess = created
        try store.commit([SourceUpdate(state: state, posts: [], observedAt: created, promoteStaged: true)])
        let stored = try store.posts(persona: persona)
        #expect(stored.count == 500)
        #expect(Set(stored.map(\.id)) == Set(read.map(\.id)))
        let copied = stored.first { $0.id == copies[10].id }
        #expect(copied?.text == "the last copy read" && copied?.counts.likes == -1)
        #expect(stored.filter { $0.id != copies[10].id }.allSatisfy { post in Int(post.id).map { "post \($0 - 1_000_000)" } == post.text })
    }

    @Test func aFailingRowNamesTheStatementAndLeavesTheBatchUnwritten() throws {
        let store = try Store(path: directory.file("personad.sqlite"))
        // A trigger that refuses one row: the batch's transaction is rolled back whole.
        try store.pool.write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse BEFORE INSERT ON post_staging WHEN NEW.post_id = '2'
                BEGIN SELECT RAISE(ABORT, 'refused by test'); END
                """)
        }
        #expect {
            try store.stage(posts, persona: persona, sourceKey: "export")
        } throws: { error in
            "\(error)".contains("refused by test") && "\(error)".contains("export")
        }
        let staged = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM post_staging") }
        #expect(staged == 0)
    }
}
