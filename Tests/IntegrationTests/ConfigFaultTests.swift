import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A configuration the daemon may not read, as an unprivileged user (`setpriv`, run by root): at
/// start, exit 78 naming the file and the reason; on SIGHUP, the configuration in force is kept and
/// the daemon goes on; readable again, the next reload takes it.
@Suite(.serialized, .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                             "needs root to run personad as nobody"))
struct ConfigFaultTests {
    static let asNobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

    @Test func anUnreadableConfigurationStopsTheStartAndIsSurvivedOnReload() async throws {
        let directory = try TemporaryDirectory("config-fault")
        defer { directory.remove() }
        chmod(directory.path, 0o755)
        let feed = TestPaths.packageRoot.appendingPathComponent("Config/demo/blog-feed.xml").path
        let state = directory.file("state")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        chown(state, 65534, 65534)
        func write(personas: [String]) throws -> String {
            var config = TOMLConfig(daemon: [("state_directory", "\(state)"), ("pid_file", "\(state)/personad.pid")], scoring: [("window", "3650d")])
            for id in personas { config = config.persona(id, network: "blog", handle: id, sources: [("kind", "feed"), ("path", "\(feed)")]) }
            return try directory.write("personad.toml", config.description)
        }
        let path = try write(personas: ["first"])

        // 1. Unreadable at start: exit 78, the file and the reason named.
        chmod(path, 0o600)
        let refused = try DaemonProcess(["--config", path, "--once"], launcher: Self.asNobody)
        #expect(await refused.waitForExit() == 78, "\(refused.log)")
        #expect(refused.log.contains(path) && refused.log.contains("ermission denied"), "\(refused.log)")

        // 2. Readable: the daemon starts; then unreadable again and SIGHUP: the old configuration stays.
        chmod(path, 0o644)
        let notify = try NotifySocket(directory: directory.path)
        defer { notify.close() }
        chmod(notify.path, 0o777)
        let daemon = try DaemonProcess(["--config", path], environment: ["NOTIFY_SOCKET": notify.path], launcher: Self.asNobody)
        #expect(await eventually(timeout: .seconds(30)) { notify.lines.contains("READY=1") }, "\(daemon.log)")
        _ = try write(personas: ["first", "second"])
        chmod(path, 0o600)
        daemon.signal(SIGHUP)
        #expect(await eventually { daemon.log.contains("reload failed, keeping the configuration in force") }, "\(daemon.log)")
        #expect(daemon.log.contains("\(path): cannot read"), "\(daemon.log)")
        #expect(daemon.process.isRunning)
        #expect(!FileManager.default.fileExists(atPath: "\(state)/snapshots/second.json"))

        // 3. Readable again: the next reload takes the new configuration.
        chmod(path, 0o644)
        daemon.signal(SIGHUP)
        #expect(await eventually { FileManager.default.fileExists(atPath: "\(state)/snapshots/second.json") }, "\(daemon.log)")
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0, "\(daemon.log)")
    }
}
