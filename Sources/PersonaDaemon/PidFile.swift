import Foundation

/// The daemon's PID, written where `personactl refresh` looks for it.
public struct PidFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func write() throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data("\(ProcessInfo.processInfo.processIdentifier)\n".utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Removes the file if it still names this process. At exit, a file that cannot be read or
    /// removed is left as it is: the next start overwrites it, and `personactl` checks the PID.
    public func remove() {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) == ProcessInfo.processInfo.processIdentifier else { return }
        try? FileManager.default.removeItem(atPath: path)
    }
}
