import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A temporary installation: a config pointing at the bundled demo data, its own state directory.
final class Installation: Sendable {
    let directory: TemporaryDirectory
    let config: String
    var snapshots: String { directory.file("state/snapshots") }
    var pidFile: String { directory.file("personad.pid") }

    init(extraPersona: Bool = false, interval: String = "10m") throws {
        directory = try TemporaryDirectory("personad-it")
        config = directory.file("personad.toml")
        try write(Self.text(directory: directory.path, extraPersona: extraPersona, interval: interval))
    }

    func write(_ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: config))
    }

    static func text(directory: String, extraPersona: Bool, interval: String = "10m") -> String {
        let demo = TestPaths.packageRoot.appendingPathComponent("Config/demo").path
        var config = TOMLConfig(daemon: [("state_directory", "\(directory)/state"), ("pid_file", "\(directory)/personad.pid"),
                                         ("interval", .string(interval))],
                                scoring: [("window", "3650d")])
            .persona("ana-x", network: "x", handle: "demo_ana", sources: [("kind", "export"), ("path", "\(demo)/x-archive.zip")])
            .persona("ana-blog", network: "blog", handle: "ana", sources: [("kind", "feed"), ("path", "\(demo)/blog-feed.xml")])
        if extraPersona {
            config = config.persona("ana-notes", network: "blog", handle: "notes", sources: [("kind", "feed"), ("path", "\(demo)/notes-feed.json")])
        }
        return config.description
    }

    func snapshot(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: (snapshots as NSString).appendingPathComponent(name)))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func indexIDs() throws -> [String] {
        let personas = try #require(try snapshot("index.json")["personas"] as? [[String: Any]])
        return personas.compactMap { $0["id"] as? String }
    }

    func generatedAt() -> String? { (try? snapshot("index.json"))?["generated_at"] as? String }

    /// Validates every file in the snapshot directory against the published schemas.
    func validateAll() throws {
        let persona = try JSONSchemaValidator(schemaAt: TestPaths.snapshotSchema)
        let index = try JSONSchemaValidator(schemaAt: TestPaths.indexSchema)
        let names = try FileManager.default.contentsOfDirectory(atPath: snapshots).filter { $0.hasSuffix(".json") }
        #expect(!names.isEmpty)
        for name in names {
            let path = (snapshots as NSString).appendingPathComponent(name)
            try (name == "index.json" ? index : persona).validate(fileAt: path)
        }
    }

    func temporaryFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: snapshots)) ?? []).filter { $0.hasPrefix(".") }
    }

    deinit { directory.remove() }
}

@Suite(.serialized) struct DaemonTests {
    @Test func readyWatchdogSnapshotsRefreshAndCleanStop() async throws {
        let installation = try Installation()
        let notify = try NotifySocket(directory: installation.directory.path)
        defer { notify.close() }
        let daemon = try DaemonProcess(["--config", installation.config],
                                       environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "600000"])
        #expect(await eventually { notify.lines.contains("READY=1") }, "no READY=1; log:\n\(daemon.log)")
        // Snapshots exist before READY=1 and are valid against the published schema.
        #expect(try installation.indexIDs().sorted() == ["ana-blog", "ana-x"])
        try installation.validateAll()
        #expect(try installation.snapshot("ana-x.json")["schema_version"] as? Int == 1)
        #expect(notify.lines.contains { $0.hasPrefix("STATUS=2 personas") })
        // The running daemon's first cycle writes the metrics file too, a series per persona.
        let metrics = try String(contentsOfFile: installation.directory.file("state/personad.prom"), encoding: .utf8)
        #expect(metrics.contains(#"personad_persona_status{persona="ana-x",network="x",status="ok"} 1"#), "\(metrics)")
        #expect(await eventually { notify.lines.contains("WATCHDOG=1") }, "no WATCHDOG=1")
        // PID file names the process.
        let pid = try String(contentsOfFile: installation.pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(pid == "\(daemon.pid)")

        // SIGUSR1 → every persona refreshed, index.json's generated_at moves.
        let before = try #require(installation.generatedAt())
        try await Task.sleep(for: .milliseconds(1100)) // generated_at has one-second resolution
        daemon.signal(SIGUSR1)
        #expect(await eventually { installation.generatedAt() != before }, "USR1 did not refresh; log:\n\(daemon.log)")
        #expect(daemon.log.contains("SIGUSR1"))
        try installation.validateAll()

        // SIGTERM → exit 0, STOPPING=1, no temporary files, PID file removed.
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0, "log:\n\(daemon.log)")
        #expect(notify.lines.contains("STOPPING=1"))
        #expect(installation.temporaryFiles().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: installation.pidFile))
    }

    @Test func reloadKeepsTheOldConfigWhenTheNewOneIsBrokenAndAppliesAGoodOne() async throws {
        let installation = try Installation()
        let notify = try NotifySocket(directory: installation.directory.path)
        defer { notify.close() }
        let daemon = try DaemonProcess(["--config", installation.config], environment: ["NOTIFY_SOCKET": notify.path])
        #expect(await eventually { notify.lines.contains("READY=1") }, "log:\n\(daemon.log)")

        // A broken config: the daemon lives on, says why (file, line, key), keeps the old one.
        let good = try String(contentsOfFile: installation.config, encoding: .utf8)
        try installation.write(good.replacingOccurrences(of: "interval = \"10m\"", with: "interval = \"ten minutes\""))
        daemon.signal(SIGHUP)
        #expect(await eventually { daemon.log.contains("reload failed") }, "log:\n\(daemon.log)")
        #expect(daemon.log.contains("\(installation.config):4: daemon.interval"))
        #expect(daemon.process.isRunning)
        #expect(notify.lines.contains("RELOADING=1"))
        // The notification is a datagram of its own: it may arrive just after the log line.
        #expect(await eventually { notify.lines.contains { $0.hasPrefix("STATUS=reload failed: \(installation.config):4:") } }, "\(notify.lines)")
        #expect(try installation.indexIDs().sorted() == ["ana-blog", "ana-x"])

        // A good config with a new persona: it appears, with a valid snapshot.
        try installation.write(Installation.text(directory: installation.directory.path, extraPersona: true))
        daemon.signal(SIGHUP)
        #expect(await eventually { (try? installation.indexIDs().sorted()) == ["ana-blog", "ana-notes", "ana-x"] }, "log:\n\(daemon.log)")
        try installation.validateAll()
        // The status says the reload is done, not "reloading" until the next poll.
        #expect(await eventually { notify.lines.contains { $0.hasPrefix("STATUS=reloaded \(installation.config); 3 personas") } }, "\(notify.lines)")
        #expect(daemon.process.isRunning)

        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    @Test func readersNeverSeeATornSnapshot() async throws {
        let installation = try Installation()
        // The blog feed is a copy that the test keeps changing, so that every refresh rewrites the snapshot.
        let feed = installation.directory.file("blog-feed.xml")
        let original = try String(contentsOfFile: TestPaths.packageRoot.appendingPathComponent("Config/demo/blog-feed.xml").path, encoding: .utf8)
        func publish(_ round: Int) throws {
            let text = original.replacingOccurrences(of: "<slash:comments>1</slash:comments>", with: "<slash:comments>\(round % 40)</slash:comments>")
            try Data(text.utf8).write(to: URL(fileURLWithPath: feed), options: .atomic)
        }
        try publish(0)
        try installation.write(try String(contentsOfFile: installation.config, encoding: .utf8)
            .replacingOccurrences(of: TestPaths.packageRoot.appendingPathComponent("Config/demo/blog-feed.xml").path, with: feed))
        let daemon = try DaemonProcess(["--config", installation.config])
        #expect(await eventually { FileManager.default.fileExists(atPath: installation.pidFile) && installation.generatedAt() != nil })
        let validator = try JSONSchemaValidator(schemaAt: TestPaths.snapshotSchema)
        let path = (installation.snapshots as NSString).appendingPathComponent("ana-blog.json")
        var reads = 0
        var failures: [String] = []
        var generations = Set<String>()
        // A fixed number of rounds: each publishes a new feed, asks for a refresh, and reads the
        // snapshot while the daemon rewrites it.
        let rounds = 40, readsPerRound = 10
        for round in 1...rounds {
            try publish(round)
            daemon.signal(SIGUSR1)
            for _ in 0..<readsPerRound {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                let errors = validator.errors(in: data)
                if !errors.isEmpty { failures.append("\(data.count) bytes: \(errors.prefix(2))") }
                if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                   let score = object["score"] as? [String: Any] { generations.insert("\(score["value"] ?? "")|\(score["sample"] ?? "")") }
                reads += 1
                // Sleeping yields the thread: a blocked cooperative thread would starve the other
                // suites' loopback servers, which run on the same two-thread pool.
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        #expect(generations.count > 3, "the snapshot was not rewritten while it was read: \(generations)")
        #expect(failures.isEmpty, "\(failures.count) torn reads of \(reads): \(failures.prefix(3))")
        #expect(reads == rounds * readsPerRound)
        #expect(daemon.log.components(separatedBy: "SIGUSR1").count > 5, "the daemon did not rewrite: \(daemon.log)")
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        #expect(installation.temporaryFiles().isEmpty)
    }

    @Test func personactlRefreshWaitsForANewIndexAndStatusListsPersonasSideBySide() async throws {
        let installation = try Installation()
        let daemon = try DaemonProcess(["--config", installation.config])
        #expect(await eventually { FileManager.default.fileExists(atPath: installation.pidFile) && installation.generatedAt() != nil })
        try await Task.sleep(for: .milliseconds(1100))
        let (status, output) = try await DaemonProcess.run(["--config", installation.config, "refresh", "--wait", "10"], executable: "personactl")
        #expect(status == 0, "\(output)")
        #expect(output.contains("refreshed"))
        // At once again, most likely within the same second as the index just written (whose
        // time has whole seconds): found under a real systemd, where this timed out.
        let (againStatus, again) = try await DaemonProcess.run(["--config", installation.config, "refresh", "--wait", "10"], executable: "personactl")
        #expect(againStatus == 0 && again.contains("refreshed"), "\(again)")
        let (statusCode, table) = try await DaemonProcess.run(["status", "--config", installation.config], executable: "personactl")
        #expect(statusCode == 0)
        let lines = table.split(separator: "\n")
        #expect(lines.first?.hasPrefix("PERSONA") == true)
        #expect(lines.contains { $0.hasPrefix("ana-x") && $0.contains(" x ") && $0.contains(" ok ") })
        #expect(lines.contains { $0.hasPrefix("ana-blog") && $0.contains(" blog ") })
        #expect(!table.lowercased().contains("total") && !table.lowercased().contains("average"))
        let (showCode, show) = try await DaemonProcess.run(["show", "ana-x", "--config", installation.config], executable: "personactl")
        #expect(showCode == 0)
        #expect(show.contains("conversation") && show.contains("not measured"))
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    @Test func sigintStopsCleanlyLikeSigterm() async throws {
        let installation = try Installation()
        let notify = try NotifySocket(directory: installation.directory.path)
        defer { notify.close() }
        let daemon = try DaemonProcess(["--config", installation.config], environment: ["NOTIFY_SOCKET": notify.path])
        #expect(await eventually { notify.lines.contains("READY=1") }, "log:\n\(daemon.log)")
        daemon.signal(SIGINT)
        #expect(await daemon.waitForExit() == 0, "log:\n\(daemon.log)")
        #expect(notify.lines.contains("STOPPING=1"))
        #expect(installation.temporaryFiles().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: installation.pidFile))
        try installation.validateAll()
    }

    /// Docs/operations.md: a persona removed from the configuration leaves index.json at the next
    /// reload, and its snapshot file is deleted with it.
    @Test func aPersonaRemovedOnReloadLeavesTheIndexAndItsFileGoes() async throws {
        let installation = try Installation(extraPersona: true)
        let daemon = try DaemonProcess(["--config", installation.config])
        #expect(await eventually { (try? installation.indexIDs().sorted()) == ["ana-blog", "ana-notes", "ana-x"] }, "log:\n\(daemon.log)")
        let notes = (installation.snapshots as NSString).appendingPathComponent("ana-notes.json")
        #expect(FileManager.default.fileExists(atPath: notes))

        try installation.write(Installation.text(directory: installation.directory.path, extraPersona: false))
        daemon.signal(SIGHUP)
        #expect(await eventually { (try? installation.indexIDs().sorted()) == ["ana-blog", "ana-x"] }, "log:\n\(daemon.log)")
        #expect(!FileManager.default.fileExists(atPath: notes))
        #expect(daemon.log.contains("reload: persona ana-notes removed"))
        try installation.validateAll()
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    @Test func aReloadAppliesNewConnectionLimits() async throws {
        let installation = try Installation()
        let daemon = try DaemonProcess(["--config", installation.config])
        #expect(await eventually { installation.generatedAt() != nil }, "log:\n\(daemon.log)")
        let text = try String(contentsOfFile: installation.config, encoding: .utf8)
        try installation.write(text.replacingOccurrences(of: "[daemon]\n", with: "[daemon]\nmax_connections = 7\nmax_per_host = 2\n"))
        daemon.signal(SIGHUP)
        #expect(await eventually { daemon.log.contains("max_connections 50 → 7, max_per_host 6 → 2, applied") }, "log:\n\(daemon.log)")
        #expect(daemon.process.isRunning)
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    /// `kill -9` while the snapshot pass has staged its files: the next start clears the temporary
    /// files, opens the store, and writes a valid snapshot for every persona.
    @Test func aRestartAfterKill9DuringTheSnapshotPassRecovers() async throws {
        let directory = try TemporaryDirectory("kill9")
        defer { directory.remove() }
        let demo = TestPaths.packageRoot.appendingPathComponent("Config/demo/blog-feed.xml").path
        let original = try String(contentsOfFile: demo, encoding: .utf8)
        let feed = directory.file("feed.xml")
        func publish(_ round: Int) throws {
            let text = original.replacingOccurrences(of: "<slash:comments>1</slash:comments>", with: "<slash:comments>\(round)</slash:comments>")
            try Data(text.utf8).write(to: URL(fileURLWithPath: feed), options: .atomic)
        }
        try publish(1)
        let ids = (1...150).map { String(format: "p-%03d", $0) }
        var config = TOMLConfig(daemon: [("state_directory", "\(directory.path)/state"), ("pid_file", "\(directory.path)/personad.pid")],
                                scoring: [("window", "3650d")])
        for id in ids { config = config.persona(id, network: "blog", handle: id, sources: [("kind", "feed"), ("path", "\(feed)")]) }
        let path = try directory.write("personad.toml", config.description)
        let snapshots = directory.file("state/snapshots")
        func staged() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: snapshots)) ?? []).filter { $0.hasPrefix(".personad-tmp-") }
        }

        let notify = try NotifySocket(directory: directory.path)
        defer { notify.close() }
        let first = try DaemonProcess(["--config", path], environment: ["NOTIFY_SOCKET": notify.path])
        #expect(await eventually(timeout: .seconds(60)) { notify.lines.contains("READY=1") }, "log:\n\(first.log)")
        // Every persona's feed changes, so the pass rewrites all 150 files; kill -9 once some are staged.
        try publish(2)
        first.signal(SIGUSR1)
        var sawStaged = false
        for _ in 0..<100_000 where !sawStaged { // at most ~40 s of looks, each yielding the thread
            sawStaged = !staged().isEmpty
            if !sawStaged { try await Task.sleep(for: .microseconds(200)) }
        }
        first.signal(SIGKILL)
        _ = await first.waitForExit()
        // Had the kill missed the pass, a staged file is left as a killed pass leaves it, so that
        // the restart's clean-up is tested either way.
        if !sawStaged { _ = try directory.write("state/snapshots/.personad-tmp-p-001.json.AbC123", "{\"torn\": ") }
        print("kill -9 with staged files present: \(sawStaged)")

        let readies = notify.lines.filter { $0.contains("READY=1") }.count
        let second = try DaemonProcess(["--config", path], environment: ["NOTIFY_SOCKET": notify.path])
        #expect(await eventually(timeout: .seconds(60)) { notify.lines.filter { $0.contains("READY=1") }.count > readies },
                "log:\n\(second.log)")
        #expect(staged().isEmpty, "temporary files left after a restart: \(staged().prefix(3))")
        let index = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: snapshots + "/index.json"))) as? [String: Any])
        let listed = (index["personas"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(listed.sorted() == ids)
        let validator = try JSONSchemaValidator(schemaAt: TestPaths.snapshotSchema)
        var valid = 0
        for id in ids {
            try validator.validate(fileAt: snapshots + "/\(id).json")
            valid += 1
        }
        #expect(valid == ids.count)
        second.signal(SIGTERM)
        #expect(await second.waitForExit() == 0, "log:\n\(second.log)")
    }

    @Test func invalidConfigurationIsRefusedWithFileLineAndKey() async throws {
        let directory = try TemporaryDirectory("bad-config")
        defer { directory.remove() }
        let unknownKey = try directory.write("unknown.toml", "[daemon]\nstate_directory = \"\(directory.path)\"\ninterval = \"5m\"\nsnapshot_dir = \"x\"\n")
        let (status, output) = try await DaemonProcess.run(["--config", unknownKey, "--once"])
        #expect(status == 78)
        #expect(output.contains("\(unknownKey):4: daemon.snapshot_dir: unknown key"), "\(output)")

        let syntax = try directory.write("syntax.toml", "[daemon]\ninterval = \"5m\n")
        let (syntaxStatus, syntaxOutput) = try await DaemonProcess.run(["--config", syntax, "--once"])
        #expect(syntaxStatus == 78)
        #expect(syntaxOutput.contains("\(syntax):2:"), "\(syntaxOutput)")

        // Missing, or a directory where the file should be: the same exit status, naming the path.
        let missing = directory.file("nothing.toml")
        let (missingStatus, missingOutput) = try await DaemonProcess.run(["--config", missing, "--once"])
        #expect(missingStatus == 78 && missingOutput.contains("\(missing): cannot read"), "\(missingOutput)")
        let (folderStatus, folderOutput) = try await DaemonProcess.run(["--config", directory.path, "--once"])
        #expect(folderStatus == 78 && folderOutput.contains("\(directory.path): cannot read"), "\(folderOutput)")

        let (checkStatus, checkOutput) = try await DaemonProcess.run(["check-config", unknownKey], executable: "personactl")
        #expect(checkStatus == 78)
        #expect(checkOutput.contains("snapshot_dir"))
    }
}
