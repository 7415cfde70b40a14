import Foundation
import Testing
import TestSupport

/// An export source whose `path` is a folder where "download your data" archives land, through
/// the real binary: each archive is read once (a renamed copy not at all), all are merged by post
/// id with the newer archive's counts kept, and the snapshot lists the archives read.
@Suite struct ExportFolderTests {
    static func snapshot(_ directory: TemporaryDirectory, state: String = "state") throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory.file("\(state)/snapshots/ana-x.json")))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func archives(_ snapshot: [String: Any]) -> [[String: Any]] {
        ((snapshot["sources"] as? [[String: Any]])?.first?["archives"] as? [[String: Any]]) ?? []
    }

    /// The likes the snapshot reports for the newest post.
    static func newestLikes(_ snapshot: [String: Any]) -> Double? {
        let posts = (snapshot["score"] as? [String: Any])?["posts"] as? [[String: Any]]
        return (posts?.first?["reported"] as? [String: Any])?["likes"] as? Double
    }

    static func age(_ path: String, days: Double) throws {
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-days * 86400)], ofItemAtPath: path)
    }

    @Test func archivesInAFolderAreReadOnceAndTheNewerCountsWin() async throws {
        let directory = try TemporaryDirectory("export-folder")
        defer { directory.remove() }
        let folder = directory.file("exports")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try XArchiveFixture.write(at: "\(folder)/x-2026-10.zip", boost: 1)
        try Self.age("\(folder)/x-2026-10.zip", days: 30)
        let config = try directory.write("personad.toml", TOMLConfig(daemon: [("state_directory", "\(directory.path)/state")])
            .persona("ana-x", network: "x", handle: "ana", sources: [("kind", "export"), ("path", "exports")]).description)

        let (status, first) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(status == 0, "\(first)")
        #expect(first.contains("read 30 posts from 1 new archive in \(folder): x-2026-10.zip"), "\(first)")
        var snapshot = try Self.snapshot(directory)
        #expect(Self.archives(snapshot).map { $0["posts"] as? Int } == [30])
        let oldLikes = try #require(Self.newestLikes(snapshot))

        // A newer download lands, with a renamed copy of the first beside it.
        try XArchiveFixture.write(at: "\(folder)/x-2026-11.zip", boost: 3)
        try FileManager.default.copyItem(atPath: "\(folder)/x-2026-10.zip", toPath: "\(folder)/copy of x-2026-10.zip")
        try Self.age("\(folder)/copy of x-2026-10.zip", days: 29)
        let (_, second) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(second.contains("read 30 posts from 1 new archive in \(folder): x-2026-11.zip"), "the copy is not read again: \(second)")
        snapshot = try Self.snapshot(directory)
        let listed = Self.archives(snapshot)
        #expect(listed.compactMap { ($0["path"] as? NSString)?.lastPathComponent } == ["x-2026-10.zip", "copy of x-2026-10.zip", "x-2026-11.zip"])
        #expect(Set(listed.compactMap { $0["digest"] as? String }).count == 2)
        let newLikes = try #require(Self.newestLikes(snapshot))
        #expect(newLikes == oldLikes * 3, "the newer archive's counts: \(oldLikes) → \(newLikes)")

        // An older archive found later adds what it alone holds, but never replaces newer counts.
        try XArchiveFixture.write(at: "\(folder)/x-2026-09.zip", boost: 10)
        try Self.age("\(folder)/x-2026-09.zip", days: 60)
        let (_, third) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(third.contains("x-2026-09.zip"), "\(third)")
        snapshot = try Self.snapshot(directory)
        #expect(Self.archives(snapshot).count == 4)
        #expect(Self.newestLikes(snapshot) == newLikes)

        // Nothing new: nothing read.
        let (_, fourth) = try await DaemonProcess.run(["--config", config, "--once", "--log-level", "debug"])
        #expect(fourth.contains("no new archive in \(folder)") && !fourth.contains("new archive in \(folder):"), "\(fourth)")
        try JSONSchemaValidator(schemaAt: TestPaths.snapshotSchema).validate(fileAt: directory.file("state/snapshots/ana-x.json"))
    }

    @Test func aGlobNamesTheArchivesAndAnEmptyOneSaysSo() async throws {
        let directory = try TemporaryDirectory("export-glob")
        defer { directory.remove() }
        let config = try directory.write("personad.toml", TOMLConfig(daemon: [("state_directory", "\(directory.path)/state")])
            .persona("ana-x", network: "x", handle: "ana", sources: [("kind", "export"), ("path", "downloads/twitter-*.zip")]).description)
        try FileManager.default.createDirectory(atPath: directory.file("downloads"), withIntermediateDirectories: true)
        let (emptyStatus, empty) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(emptyStatus == 1 && empty.contains("downloads/twitter-*.zip: no export archive there yet"), "\(empty)")

        try XArchiveFixture.write(at: directory.file("downloads/twitter-a.zip"))
        try XArchiveFixture.write(at: directory.file("downloads/other.zip"), boost: 2)
        let (status, output) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(status == 0 && output.contains("twitter-a.zip") && !output.contains("other.zip"), "\(output)")
        #expect(Self.archives(try Self.snapshot(directory)).count == 1)
    }
}
