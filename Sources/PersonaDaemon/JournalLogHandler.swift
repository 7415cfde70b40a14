import Foundation
import Logging

/// personad's log lines on standard error: one line per event, journald-native under systemd.
///
/// When standard error is the journal's stream (systemd sets `JOURNAL_STREAM` to its device and
/// inode; they must match standard error's, so a child that inherited the variable but writes
/// elsewhere is not fooled), each line starts with its syslog priority as `<N>` (`sd-daemon(3)`)
/// and carries no timestamp: journald stamps it and `journalctl -p err` filters by it. Otherwise a
/// line starts with an RFC 3339 timestamp and the level, as a terminal or a log file wants.
///
/// - Important: an event is always one line: newlines in a message or a metadata value are
///   written as `\n`, so one failing source never spreads over several journal entries.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    let label: String
    let journal: Bool

    public init(label: String, journal: Bool = JournalLogHandler.standardErrorIsJournal()) {
        self.label = label
        self.journal = journal
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let line = Self.line(level: event.level, message: "\(event.message)", metadata: all, label: label, journal: journal)
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// The syslog priority of a level (`<7>` debug … `<2>` critical).
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// One event as one line, ending in a newline.
    public static func line(level: Logger.Level, message: String, metadata: Logger.Metadata, label: String, journal: Bool,
                            now: Date = Date()) -> String {
        var text = message
        if !metadata.isEmpty {
            text += " " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        text = text.replacingOccurrences(of: "\r\n", with: "\\n").replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\r", with: "\\n")
        if journal { return "<\(priority(level))>\(text)\n" }
        return "\(timestamp(now)) \(level) \(label): \(text)\n"
    }

    /// Whether standard error is the stream `JOURNAL_STREAM` names (`DEVICE:INODE`).
    public static func standardErrorIsJournal(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(STDERR_FILENO, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
