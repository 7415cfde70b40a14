import Foundation
import PersonaModel
import PersonaSnapshots
import PersonaStore
import Testing
import TestSupport
@testable import PersonaDaemon

/// Exports through the real pipeline: unchanged archives are not read again, and a damaged one
/// leaves the last good data standing, marked stale, with an error naming the archive.
@Suite(.serialized) struct ExportSourceTests {
    static let demo = TestPaths.packageRoot.appendingPathComponent("Config/demo/x-archive.zip").path

    func harness(_ server: FixtureServer, archive: String) throws -> Harness {
        try Harness(server: server) { config, base in
            config
                .persona("ana-x", network: "x", handle: "demo_ana", sources: [("kind", "export"), ("path", "\(archive)")])
        }
    }

    /// An archive downloaded long ago: every post is older than the window. The snapshot says how
    /// many were read, the newest one's date and the window that would reach enough of them.
    @Test func anExportOlderThanTheWindowSaysHowManyPostsAreStoredAndHowToReachThem() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        let harness = try Harness(server: server, window: "1d") { config, _ in
            config.persona("ana-x", network: "x", handle: "demo_ana", sources: [("kind", "export"), ("path", "\(Self.demo)")])
        }
        #expect(try await harness.refresh().error == nil)
        let score = try harness.snapshot().score
        #expect(score.status == .insufficientData && score.sample.posts == 0)
        let posts = try harness.store.posts(persona: harness.persona.id).filter { $0.kind != .selfReply }.sorted { $0.createdAt > $1.createdAt }
        let newest = String(SnapshotJSON.rfc3339(try #require(posts.first?.createdAt)).prefix(10))
        let reason = try #require(score.statusReason)
        #expect(reason.hasPrefix("0 own posts in the window"), "\(reason)")
        #expect(reason.contains("; \(posts.count) older posts are stored, the newest from \(newest), before the window's start"), "\(reason)")
        let days = Int((Date().timeIntervalSince(posts[9].createdAt) / 86400).rounded(.up))
        #expect(reason.contains("a window of \(days)d (`window` of this persona, or [scoring] window) would include 10 of them")
                || reason.contains("a window of \(days + 1)d"), "\(reason)")
    }

    @Test func unchangedOrCopiedArchivesAreNotReadAgainAndADamagedOneKeepsTheLastGoodScoreStale() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        let directory = try TemporaryDirectory("export-source")
        defer { directory.remove() }
        let archive = directory.file("x.zip")
        try FileManager.default.copyItem(atPath: Self.demo, toPath: archive)
        let harness = try harness(server, archive: archive)

        let first = try await harness.refreshDetail()
        #expect(first.outcome.error == nil)
        #expect(first.update.posts.count == 42)
        let good = try harness.snapshot()
        #expect(good.score.status == .ok)

        // The same file: not read. A copy with a new modification time: not parsed either.
        #expect(try await harness.refreshDetail().update.posts.isEmpty)
        try FileManager.default.removeItem(atPath: archive)
        try FileManager.default.copyItem(atPath: Self.demo, toPath: archive)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: archive)
        let copied = try await harness.refreshDetail()
        #expect(copied.outcome.error == nil && copied.update.posts.isEmpty)

        // Truncated: a clear error naming the archive; the score stands, stale.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.demo))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: archive))
        let broken = try await harness.refresh()
        #expect(broken.error?.contains(archive) == true)
        #expect(broken.error?.contains("truncated") == true)
        let stale = try harness.snapshot()
        #expect(stale.score.status == .stale)
        #expect(stale.score.value == good.score.value)
        #expect(stale.sources.first?.status == .failing)
        #expect(stale.sources.first?.lastError?.contains("x.zip") == true)

        // Repaired: read again at once, even though its content is the one read before the damage.
        try FileManager.default.removeItem(atPath: archive)
        try FileManager.default.copyItem(atPath: Self.demo, toPath: archive)
        let repaired = try await harness.refreshDetail()
        #expect(repaired.outcome.error == nil && repaired.update.posts.count == 42)
        #expect(try harness.snapshot().score.status == .ok)
    }

    /// An unpacked export edited past its first 64 KiB, same size: read again, the new count seen.
    @Test func aSameSizeEditDeepInAnUnpackedExportIsRead() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        let directory = try TemporaryDirectory("export-deep-edit")
        defer { directory.remove() }
        let root = directory.file("x-archive")
        try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        // The last record, whose count changes, sits far past the first 64 KiB.
        var text = StagedExportTests.archiveText(tweets: 600)
        #expect(text.utf8.count > 100_000)
        let last = #""id_str":"600","created_at":"Fri Mar 06 13:02:05 +0000 2026","full_text":"post number 599 #bulk","favorite_count":"5""#
        #expect(text.contains(last))
        try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/data/tweets.js"))
        let harness = try harness(server, archive: root)
        let first = try await harness.refreshDetail()
        #expect(first.outcome.error == nil && first.update.posts.count == 600, "\(first.outcome.error ?? "")")
        #expect(try harness.posts()["600"]?.counts.likes == 5)

        text = text.replacingOccurrences(of: last, with: last.replacingOccurrences(of: #""favorite_count":"5""#, with: #""favorite_count":"8""#))
        try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/data/tweets.js"))
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(120)], ofItemAtPath: root + "/data/tweets.js")
        let second = try await harness.refreshDetail()
        #expect(second.outcome.error == nil)
        #expect(second.update.posts.count == 600, "the edited export was taken for the same content")
        #expect(try harness.posts()["600"]?.counts.likes == 8)
    }

    @Test func anEmptyArchiveIsAClearError() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        let directory = try TemporaryDirectory("export-empty")
        defer { directory.remove() }
        try ZipFixture.make(at: directory.file("empty.zip"), entries: [])
        let harness = try harness(server, archive: directory.file("empty.zip"))
        let outcome = try await harness.refresh()
        #expect(outcome.error?.contains("empty.zip") == true)
        #expect(outcome.error?.contains("not an X archive") == true)
        #expect(try harness.snapshot().score.status == .error)
    }
}

/// A large X archive is staged in batches while it streams, and kept only if the whole read succeeds.
@Suite(.serialized) struct StagedExportTests {
    static func archiveText(tweets: Int) -> String {
        var text = "window.YTD.tweets.part0 = ["
        for index in 0..<tweets {
            if index > 0 { text += ",\n" }
            text += #"{"tweet":{"id_str":"\#(index + 1)","created_at":"Fri Mar 06 13:02:05 +0000 2026","full_text":"post number \#(index) #bulk","favorite_count":"\#(index % 9)","retweet_count":"1","entities":{"hashtags":[{"text":"bulk"}]}}}"#
        }
        return text + "]"
    }

    @Test func aDamagedArchiveFoundOutAtItsEndLeavesNothingAndAGoodOneKeepsEverything() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        let directory = try TemporaryDirectory("staged-export")
        defer { directory.remove() }
        let archive = directory.file("big.zip")
        let text = Self.archiveText(tweets: 25_000) // more than one batch of 20,000
        try ZipFixture.make(at: archive, entries: [("data/tweets.js", text)], compressed: false)
        // Flip one byte inside the last tweet's text: the JSON stays valid, the CRC does not.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: archive))
        let marker = Data("post number 24999".utf8)
        let range = try #require(bytes.range(of: marker))
        bytes[range.lowerBound] = UInt8(ascii: "P")
        try bytes.write(to: URL(fileURLWithPath: archive))
        let harness = try Harness(server: server) { config, base in
            config
                .persona("big", network: "x", handle: "big", sources: [("kind", "export"), ("path", "\(archive)")])
        }
        let damaged = try await harness.refresh()
        #expect(damaged.error?.contains("CRC-32") == true, "\(damaged.error ?? "")")
        #expect(try harness.store.posts(persona: harness.persona.id).isEmpty)

        try ZipFixture.make(at: archive, entries: [("data/tweets.js", text)], compressed: true)
        let good = try await harness.refresh()
        #expect(good.error == nil, "\(good.error ?? "")")
        #expect(try harness.store.posts(persona: harness.persona.id).count == 25_000)
        // Nothing is left staged: a second read of a changed copy stores the same posts once.
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(120)], ofItemAtPath: archive)
        #expect(try await harness.refresh().error == nil)
        #expect(try harness.store.posts(persona: harness.persona.id).count == 25_000)
    }
}
