import Foundation
import Testing
import TestSupport

/// personad's log lines as journald reads them: the real binary, its standard error a pipe whose
/// device and inode are in `JOURNAL_STREAM`, as systemd sets them.
@Suite struct JournalLoggingTests {
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
}
