import Foundation
import Testing
import TestSupport

/// The snapshot directory full (a 16 KiB tmpfs) or read-only, through the real binary: a clear
/// error naming the file, no partial file, the last good snapshots kept, and recovery once space
/// or write access returns. Needs root (it mounts a tmpfs of its own and unmounts it).
@Suite(.serialized) struct DiskFaultTests {
    static let canMount = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount")

    @discardableResult
    static func mount(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments.first == "umount" ? "/bin/umount" : "/bin/mount")
        process.arguments = Array(arguments.dropFirst(arguments.first == "umount" ? 1 : 0))
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// What the snapshot directory holds: names, and whether each file is whole JSON.
    static func contents(_ folder: String) throws -> [String: Bool] {
        var result: [String: Bool] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let data = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(name)) ?? Data()
            result[name] = (try? JSONSerialization.jsonObject(with: data)) != nil
        }
        return result
    }

    @Test(.enabled(if: canMount, "needs root to mount a small tmpfs"))
    func aFullOrReadOnlySnapshotDirectoryIsAClearErrorAndRecovers() async throws {
        let directory = try TemporaryDirectory("disk-faults")
        defer { directory.remove() }
        let snapshots = directory.file("snapshots")
        try FileManager.default.createDirectory(atPath: snapshots, withIntermediateDirectories: true)
        try #require(try Self.mount(["-t", "tmpfs", "-o", "size=16k", "tmpfs", snapshots]) == 0)
        defer { _ = try? Self.mount(["umount", snapshots]) } // the directory is removed right after; a failure leaves a mount to name
        try XArchiveFixture.write(at: directory.file("x.zip"), count: 40)
        let config = try directory.write("personad.toml", TOMLConfig(daemon: [
            ("state_directory", "\(directory.path)/state"), ("snapshot_directory", "\(snapshots)"),
        ]).persona("ana-x", network: "x", handle: "ana", sources: [("kind", "export"), ("path", "x.zip")]).description)

        // Full: the snapshot (with its posts, tens of KiB) does not fit.
        let (fullStatus, full) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(fullStatus != 0, "\(full)")
        #expect(full.contains(snapshots) && full.contains("No space left on device"), "\(full)")
        let afterFull = try Self.contents(snapshots)
        #expect(afterFull.allSatisfy { $0.value && !$0.key.hasPrefix(".") }, "partial files: \(afterFull)")

        // Space returns: everything is written, whole.
        try #require(try Self.mount(["-o", "remount,size=8m", snapshots]) == 0)
        let (status, output) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(status == 0, "\(output)")
        var files = try Self.contents(snapshots)
        #expect(files["ana-x.json"] == true && files["index.json"] == true, "\(files)")
        let good = try Data(contentsOf: URL(fileURLWithPath: "\(snapshots)/ana-x.json"))

        // Read-only, with new data to write: a clear error, and the last good snapshot untouched.
        try XArchiveFixture.write(at: directory.file("x.zip"), count: 40, boost: 2)
        try #require(try Self.mount(["-o", "remount,ro", snapshots]) == 0)
        let (readOnlyStatus, readOnly) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(readOnlyStatus != 0 && readOnly.contains("Read-only file system") && readOnly.contains(snapshots), "\(readOnly)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(snapshots)/ana-x.json")) == good)

        // Writable again: the new score is written (its data was kept in the store meanwhile).
        try #require(try Self.mount(["-o", "remount,rw", snapshots]) == 0)
        let (_, recovered) = try await DaemonProcess.run(["--config", config, "--once"])
        files = try Self.contents(snapshots)
        #expect(files.allSatisfy { $0.value && !$0.key.hasPrefix(".") }, "\(files)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(snapshots)/ana-x.json")) != good, "\(recovered)")
    }
}
