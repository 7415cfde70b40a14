import Foundation
import Testing
import TestSupport

/// What an operator meets, through the real binaries: log lines as journald reads them (standard
/// error a pipe whose device and inode are in `JOURNAL_STREAM`, as systemd sets them), drop-ins,
/// check-config and explain --json.
@Suite struct OperatorTests {
    /// One persona whose only feed cannot be reached: an error line, and the progress around it.
    static func configuration(in directory: TemporaryDirectory) throws -> String {
        let config = TOMLConfig(daemon: [("state_directory", "\(directory.path)/state")])
            .persona("down", network: "blog", handle: "down", sources: [("kind", "feed"), ("url", "http://127.0.0.1:1/feed.xml")])
        return try directory.write("personad.toml", config.description)
    }

    @Test func underTheJournalEveryLineCarriesItsPriorityAndNoTimestamp() async throws {
        let directory = try TemporaryDirectory("journal")
        defer { directory.remove() }
        let config = try Self.configuration(in: directory)
        let (status, output) = try await DaemonProcess.run(["--config", config, "--once"], journalStream: true)
        #expect(status == 1)
        let lines = output.split(separator: "\n").filter { !$0.hasPrefix("personad: snapshots written") }
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.range(of: #"^<[0-7]>"#, options: .regularExpression) != nil, "no priority: \(line)")
            #expect(line.range(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d"#, options: .regularExpression) == nil, "a timestamp under journald: \(line)")
        }
        // The failing source is an error (3), named by its URL, one line; the progress is info (6).
        let failures = lines.filter { $0.contains("source failed") }
        #expect(failures.count == 1 && failures.allSatisfy { $0.hasPrefix("<3>") && $0.contains("http://127.0.0.1:1/feed.xml") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("<3>personad: ") }, "the --once summary of failures is an error too: \(lines)")
    }

    @Test func onATerminalOrAFileLinesAreTimestampedWithoutPriorities() async throws {
        let directory = try TemporaryDirectory("journal-off")
        defer { directory.remove() }
        let config = try Self.configuration(in: directory)
        // JOURNAL_STREAM names another stream (inherited from a parent): not the journal.
        let (_, output) = try await DaemonProcess.run(["--config", config, "--once"], environment: ["JOURNAL_STREAM": "1:1"])
        let failures = output.split(separator: "\n").filter { $0.contains("source failed") }
        #expect(failures.count == 1)
        #expect(failures.allSatisfy { $0.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ error personad: "#, options: .regularExpression) != nil }, "\(failures)")
        #expect(!output.contains("<3>"))
    }

    /// A drop-in beside the main file adds a persona with its own window; the real binary scores
    /// it with that window (and the main file's persona with `[scoring] window`).
    @Test func aDropInPersonaIsScoredWithItsOwnWindow() async throws {
        let directory = try TemporaryDirectory("drop-in-run")
        defer { directory.remove() }
        let feed = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <item><guid>a</guid><title>a</title><pubDate>Mon, 01 Jun 2026 10:00:00 GMT</pubDate></item>
            </channel></rss>
            """
        try directory.write("etc/conf.d/feeds/notes.xml", feed)
        try directory.write("etc/conf.d/10-notes.toml", """
            [[persona]]
            id = "notes"
            network = "blog"
            handle = "notes"
            window = "30d"
              [[persona.source]]
              kind = "feed"
              path = "feeds/notes.xml"
            """)
        let config = try directory.write("etc/personad.toml", try String(contentsOfFile: try Self.configuration(in: directory), encoding: .utf8))
        let (_, output) = try await DaemonProcess.run(["--config", config, "--once"])
        let snapshot = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: directory.file("state/snapshots/notes.json")))) as? [String: Any], "\(output)")
        let window = try #require((snapshot["score"] as? [String: Any])?["window"] as? [String: String])
        let formatter = ISO8601DateFormatter()
        let start = try #require(window["start"].flatMap(formatter.date(from:))), end = try #require(window["end"].flatMap(formatter.date(from:)))
        #expect(abs(end.timeIntervalSince(start) - 30 * 86400) < 2)
        #expect(FileManager.default.fileExists(atPath: directory.file("state/snapshots/down.json")))

        // check-config reads the drop-ins too, and says so; --json lists what it checked.
        let (checkStatus, check) = try await DaemonProcess.run(["check-config", config], executable: "personactl")
        #expect(checkStatus == 0 && check.contains("2 personas, 2 sources (with 1 drop-ins: 10-notes.toml)"), "\(check)")
        let (_, checkJSON) = try await DaemonProcess.run(["check-config", config, "--json"], executable: "personactl")
        let checked = try #require(try JSONSerialization.jsonObject(with: Data(checkJSON.utf8)) as? [String: Any])
        #expect(checked["personas"] as? [String] == ["down", "notes"])
        // explain --json is the snapshot file, byte for byte.
        let (_, explained) = try await DaemonProcess.run(["explain", "notes", "--json", "--config", config], executable: "personactl")
        #expect(Data(explained.utf8) == (try Data(contentsOf: URL(fileURLWithPath: directory.file("state/snapshots/notes.json")))))
    }

    /// A second `--once` scores nothing (the snapshots stand) and reads the metrics' persona
    /// series back from the store's records (`PersonaRecord.metrics`): the same lines as the first
    /// run. A record from before store v8 (no metrics) falls back to the snapshot file
    /// (`MetricsState.row`): the same lines again.
    @Test func metricsOfStandingSnapshotsAreTheSameAsWhenScored() async throws {
        let directory = try TemporaryDirectory("metrics-standing")
        defer { directory.remove() }
        let demo = TestPaths.packageRoot.appendingPathComponent("Config/demo").path
        let config = try directory.write("personad.toml", TOMLConfig(
            daemon: [("state_directory", "\(directory.path)/state")], scoring: [("window", "3650d")])
            .persona("blog", network: "blog", handle: "ana", sources: [("kind", "feed"), ("path", "\(demo)/blog-feed.xml")])
            .persona("x", network: "x", handle: "demo_ana", sources: [("kind", "export"), ("path", "\(demo)/x-archive.zip")])
            .description)
        func personaLines() throws -> [String] {
            try String(contentsOfFile: directory.file("state/personad.prom"), encoding: .utf8).split(separator: "\n")
                .filter { !$0.hasPrefix("personad_source") && !$0.hasPrefix("#") }.map(String.init)
        }
        let (first, output) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(first == 0, "\(output)")
        let scored = try personaLines()
        #expect(scored.contains { $0.hasPrefix("personad_score{persona=\"x\",network=\"x\"}") }, "\(scored)")
        #expect(scored.contains { $0.hasPrefix("personad_component_points{persona=\"blog\"") }, "\(scored)")
        let (second, output2) = try await DaemonProcess.run(["--config", config, "--once", "--log-level", "debug"])
        #expect(second == 0, "\(output2)")
        #expect(output2.contains("snapshots: 1 scored"), "\(output2)") // the local feed is read again; the export is not
        #expect(try personaLines() == scored)
        let (cleared, count) = try await runPython("""
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("UPDATE persona_state SET metrics = NULL WHERE persona_id = 'x'")
            db.commit()
            print(db.execute("SELECT COUNT(*) FROM persona_state WHERE metrics IS NOT NULL").fetchone()[0])
            """, arguments: [directory.file("state/personad.sqlite")])
        #expect(cleared == 0 && String(decoding: count, as: UTF8.self).hasPrefix("1"))
        let (third, output3) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(third == 0, "\(output3)")
        #expect(try personaLines() == scored)
    }

    /// `personad.prom` for node_exporter's textfile collector, parsed by Prometheus' own Python
    /// parser (`prometheus_client`): a series per persona, never a combined one, and the sources'
    /// health; replaced by a rename, never rewritten in place.
    @Test func theMetricsFileParsesWithPrometheusOwnParser() async throws {
        let directory = try TemporaryDirectory("metrics")
        defer { directory.remove() }
        let feed = TestPaths.packageRoot.appendingPathComponent("Config/demo/blog-feed.xml").path
        let config = try directory.write("personad.toml", TOMLConfig(
            daemon: [("state_directory", "\(directory.path)/state"), ("metrics_file", "\(directory.path)/textfile/personad.prom")],
            scoring: [("window", "3650d")])
            .persona("blog-ok", network: "blog", handle: "ana", sources: [("kind", "feed"), ("path", "\(feed)")])
            .persona("down", network: "blog", handle: "down", sources: [("kind", "feed"), ("url", "http://127.0.0.1:1/feed.xml")])
            .description)
        try FileManager.default.createDirectory(atPath: directory.file("textfile"), withIntermediateDirectories: true)
        let prom = directory.file("textfile/personad.prom")
        let (status, output) = try await DaemonProcess.run(["--config", config, "--once"])
        #expect(status == 1, "\(output)") // the down source fails
        var first = stat()
        #expect(stat(prom, &first) == 0, "\(output)")

        let script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            samples = []
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                for sample in family.samples:
                    samples.append({"family": family.name, "type": family.type, "name": sample.name, "labels": sample.labels, "value": sample.value})
            print(json.dumps(samples))
            """
        let (parsed, data) = try await runPython(script, arguments: [prom])
        #expect(parsed == 0, "prometheus_client could not parse \(prom) (pip install prometheus_client)")
        let samples = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        func value(_ name: String, _ labels: [String: String]) -> Double? {
            samples.first { sample in
                sample["name"] as? String == name
                    && labels.allSatisfy { (sample["labels"] as? [String: String])?[$0.key] == $0.value }
            }?["value"] as? Double
        }
        let snapshot = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: directory.file("state/snapshots/blog-ok.json")))) as? [String: Any])
        let score = try #require(snapshot["score"] as? [String: Any])
        #expect(value("personad_score", ["persona": "blog-ok", "network": "blog"]) == score["value"] as? Double)
        let interval = try #require(score["interval"] as? [String: Double])
        #expect(value("personad_score_interval_low", ["persona": "blog-ok"]) == interval["low"])
        #expect(value("personad_score_interval_high", ["persona": "blog-ok"]) == interval["high"])
        #expect(value("personad_component", ["persona": "blog-ok", "component": "conversation"]) != nil)
        #expect(value("personad_persona_status", ["persona": "down", "status": "error"]) == 1)
        #expect(value("personad_score", ["persona": "down"]) == nil) // no number, no series
        #expect(value("personad_source_consecutive_failures", ["persona": "down"]) == 1)
        #expect(value("personad_source_last_success_timestamp_seconds", ["persona": "blog-ok"]).map { $0 > 1_700_000_000 } == true)
        #expect(value("personad_source_fetch_bytes", ["persona": "blog-ok"]).map { $0 > 1000 } == true)
        #expect(value("personad_source_fetch_duration_seconds", ["persona": "blog-ok"]) != nil)
        // Never a series that adds personas up: every score series names its persona.
        #expect(samples.filter { ($0["name"] as? String)?.hasPrefix("personad_score") == true }.allSatisfy { ($0["labels"] as? [String: String])?["persona"] != nil })

        // The next run replaces the file by renaming a new one over it: a new inode, no temporary left.
        _ = try await DaemonProcess.run(["--config", config, "--once"])
        var second = stat()
        #expect(stat(prom, &second) == 0 && second.st_ino != first.st_ino)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("textfile")) == ["personad.prom"])
    }

    /// Colour on a terminal only: a real pseudo-terminal (`script`), then NO_COLOR, then a pipe.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func statusIsColouredOnATerminalOnlyAndNeverWithNoColor() async throws {
        let directory = try TemporaryDirectory("colour")
        defer { directory.remove() }
        let config = try Self.configuration(in: directory)
        _ = try await DaemonProcess.run(["--config", config, "--once"])
        let command = "\(DaemonProcess.executable("personactl").path) --config \(config) status"
        func run(_ environment: [String: String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-qc", command, "/dev/null"]
            var merged = ProcessInfo.processInfo.environment
            merged["NO_COLOR"] = nil
            merged["TERM"] = "xterm"
            merged.merge(environment) { $1 }
            process.environment = merged
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        let terminal = try run([:])
        #expect(terminal.contains("\u{1B}[31merror"), "\(terminal)") // the unreachable persona, in red
        #expect(!(try run(["NO_COLOR": "1"])).contains("\u{1B}["))
        let (_, piped) = try await DaemonProcess.run(["--config", config, "status"], executable: "personactl")
        #expect(piped.contains("error") && !piped.contains("\u{1B}["))
        // The columns stay aligned: colour codes are added after padding.
        let header = try #require(terminal.split(separator: "\n").first.map(String.init))
        #expect(header.contains("PERSONA") && header.range(of: "STATUS") != nil)
    }
}

/// personad for one person (the user unit): configuration in `$XDG_CONFIG_HOME/personad`, state
/// where systemd puts a user unit's `StateDirectory=`. personactl, given no `--config`, finds both.
@Suite struct UserModeTests {
    @Test(.enabled(if: !FileManager.default.fileExists(atPath: "/etc/personad/personad.toml"), "a system configuration exists here"))
    func personactlFindsTheUsersConfigurationAndState() async throws {
        let directory = try TemporaryDirectory("user-mode")
        defer { directory.remove() }
        let home = directory.file("home")
        let feed = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <item><guid>a</guid><title>a</title><pubDate>Mon, 01 Jun 2026 10:00:00 GMT</pubDate></item>
            </channel></rss>
            """
        try directory.write("home/.config/personad/notes.xml", feed)
        // No state_directory: the user unit's $STATE_DIRECTORY decides, as systemd --user sets it.
        let config = try directory.write("home/.config/personad/personad.toml", TOMLConfig()
            .persona("notes", network: "blog", handle: "notes", sources: [("kind", "feed"), ("path", "notes.xml")]).description)
        let xdg = ["HOME": home, "XDG_CONFIG_HOME": "\(home)/.config", "XDG_STATE_HOME": "\(home)/.local/state",
                   "XDG_RUNTIME_DIR": directory.file("run"), "PERSONAD_CONFIG": ""]
        let (status, output) = try await DaemonProcess.run(
            ["--config", config, "--once"], environment: xdg.merging(["STATE_DIRECTORY": "\(home)/.local/state/personad"]) { $1 })
        #expect(status == 0, "\(output)")
        #expect(FileManager.default.fileExists(atPath: "\(home)/.local/state/personad/snapshots/notes.json"), "\(output)")

        let (listStatus, list) = try await DaemonProcess.run(["status"], executable: "personactl", environment: xdg)
        #expect(listStatus == 0 && list.contains("notes"), "\(list)")
        let (_, check) = try await DaemonProcess.run(["check-config", config], executable: "personactl", environment: xdg)
        #expect(check.contains("ok"), "\(check)")
    }
}
