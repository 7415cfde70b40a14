import Foundation
import Testing
import TestSupport

/// personactl run by a user who may not read personad's state: it names the permission problem,
/// not "no such file". The real binary, as an unprivileged user (`setpriv`, run by root).
@Suite struct PersonactlPermissionTests {
    static let setpriv = "/usr/bin/setpriv"

    /// Runs personactl as `nobody` (with `group` as its one supplementary group, if given); (exit status, output).
    static func runAsNobody(_ arguments: [String], group: gid_t? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: setpriv)
        process.arguments = ["--reuid=65534", "--regid=65534", group.map { "--groups=\($0)" } ?? "--clear-groups",
                             DaemonProcess.executable("personactl").path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: setpriv)))
    func anUnreadableStateDirectoryIsNamedAsAPermissionProblem() throws {
        let directory = try TemporaryDirectory("personactl-permission")
        defer { directory.remove() }
        chmod(directory.path, 0o755)
        let config = try directory.write("personad.toml", TOMLConfig(daemon: [("state_directory", "\(directory.path)/state")])
            .persona("ana-blog", network: "blog", handle: "ana", sources: [("kind", "feed"), ("url", "https://blog.example.org/feed.xml")])
            .description)
        chmod(config, 0o644)
        try directory.write("state/snapshots/index.json", #"{"generated_at": "2026-12-01T00:00:00Z", "personas": [], "schema_version": 1}"#)
        try directory.write("state/personad.pid", "\(getpid())\n")
        chmod(directory.file("state"), 0o700) // as under DynamicUser: only the daemon's user may enter

        let (status, output) = try Self.runAsNobody(["--config", config, "status"])
        #expect(status == 1)
        #expect(output.contains("index.json: permission denied") && !output.contains("no such file"), "\(output)")
        let (refreshStatus, refreshOutput) = try Self.runAsNobody(["--config", config, "refresh"])
        #expect(refreshStatus == 1)
        #expect(refreshOutput.contains("personad.pid: permission denied"), "\(refreshOutput)")
        try directory.write("state/personad.sqlite", "")
        let (historyStatus, historyOutput) = try Self.runAsNobody(["--config", config, "history", "ana-blog"])
        #expect(historyStatus == 1)
        #expect(historyOutput.contains("personad.sqlite: permission denied") && !historyOutput.contains("no such file"), "\(historyOutput)")

        // Readable again: the same command works (the permission was the only problem).
        chmod(directory.file("state"), 0o755)
        let (okStatus, okOutput) = try Self.runAsNobody(["--config", config, "status"])
        #expect(okStatus == 0, "\(okOutput)")
    }

    /// A reader in the daemon's group, after the daemon stopped: no -shm file is left and the
    /// reader may not create one, yet `history` reads the store (opened immutable then).
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: setpriv)))
    func aGroupMemberReadsTheHistoryOfAStoppedDaemon() async throws {
        let directory = try TemporaryDirectory("personactl-group")
        defer { directory.remove() }
        chmod(directory.path, 0o755)
        let config = try await HistoryTests.twoRuns(directory)
        chmod(config, 0o644)
        let state = directory.file("state")
        #expect(!FileManager.default.fileExists(atPath: state + "/personad.sqlite-shm"), "a stopped daemon leaves no -shm")
        // As the unit lays it out: the daemon's group may read, not write (gid 100, "users", stands for it).
        let group: gid_t = 100
        for path in [state, state + "/snapshots"] {
            chown(path, 0, group)
            chmod(path, 0o750)
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: state) where name.hasPrefix("personad.sqlite") {
            chown(state + "/" + name, 0, group)
            chmod(state + "/" + name, 0o640)
        }
        let (status, output) = try Self.runAsNobody(["--config", config, "history", "ana-x"], group: group)
        #expect(status == 0 && output.contains("ana-x: 2 score entries"), "\(output)")
        let (outsider, refused) = try Self.runAsNobody(["--config", config, "history", "ana-x"])
        #expect(outsider == 1 && refused.contains("permission denied"), "\(refused)")
    }
}
