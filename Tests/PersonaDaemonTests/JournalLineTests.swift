import Foundation
import Logging
import Testing
@testable import PersonaDaemon

/// One event, one line: the journal handler's formatting.
@Suite struct JournalLineTests {
    @Test func oneEventIsOneLineWithItsPriority() {
        let line = JournalLogHandler.line(level: .error, message: "persona ana: source failed: first\nsecond", metadata: ["source": "feed"],
                                          label: "personad", journal: true)
        #expect(line == "<3>persona ana: source failed: first\\nsecond source=feed\n")
        #expect(JournalLogHandler.priority(.warning) == 4 && JournalLogHandler.priority(.debug) == 7 && JournalLogHandler.priority(.critical) == 2)
        let plain = JournalLogHandler.line(level: .info, message: "ok", metadata: [:], label: "personad", journal: false,
                                           now: Date(timeIntervalSince1970: 1_780_000_000))
        #expect(plain == "2026-05-28T20:26:40Z info personad: ok\n")
        #expect(!JournalLogHandler.standardErrorIsJournal(environment: ["JOURNAL_STREAM": "garbage"]))
        #expect(!JournalLogHandler.standardErrorIsJournal(environment: [:]))
    }
}

/// The `STATUS=` text systemd shows: one line, and no backslash for systemd to take as an escape.
@Suite struct StatusTextTests {
    @Test func aStatusIsOneLineWithoutBackslashes() {
        let text = MainLoop.oneLine("reload failed: f.toml:78: expected '=', saw '\\n' (column 7)\nsecond line")
        #expect(text == "reload failed: f.toml:78: expected '=', saw '\u{FF3C}n' (column 7) second line")
        #expect(!text.contains("\\") && !text.contains("\n"))
    }
}
