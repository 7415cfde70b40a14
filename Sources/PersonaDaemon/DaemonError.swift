/// A failure inside the daemon's cycle, already worded for the log: it names the persona, file or
/// URL it is about.
public struct DaemonError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
