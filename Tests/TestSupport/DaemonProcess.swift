import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real `personad` (or `personactl`) process, with its stderr collected.
public final class DaemonProcess: Sendable {
    public let process: Process
    private let output = Locked("")
    /// Set when the output pipe reached its end (every writer, the child included, closed it).
    private let drained = Locked(false)

    public static func executable(_ name: String) -> URL {
        TestPaths.productsDirectory.appendingPathComponent(name)
    }

    /// `journalStream`: set `JOURNAL_STREAM` to the device and inode of the child's standard error,
    /// as systemd does when it connects a service's output to the journal.
    /// `launcher`: run the product through this command line (e.g. `setpriv --reuid=…`), its
    /// path appended after the launcher's own arguments.
    public init(_ arguments: [String], environment: [String: String] = [:], executable: String = "personad",
                journalStream: Bool = false, launcher: [String] = []) throws {
        let process = Process()
        if let command = launcher.first {
            process.executableURL = URL(fileURLWithPath: command)
            process.arguments = Array(launcher.dropFirst()) + [Self.executable(executable).path] + arguments
        } else {
            process.executableURL = Self.executable(executable)
            process.arguments = arguments
        }
        var merged = ProcessInfo.processInfo.environment
        merged["NOTIFY_SOCKET"] = nil
        merged["WATCHDOG_USEC"] = nil
        merged["JOURNAL_STREAM"] = nil
        merged.merge(environment) { $1 }
        let pipe = Pipe()
        if journalStream {
            var info = stat()
            if fstat(pipe.fileHandleForWriting.fileDescriptor, &info) == 0 { merged["JOURNAL_STREAM"] = "\(info.st_dev):\(info.st_ino)" }
        }
        process.environment = merged
        process.standardError = pipe
        process.standardOutput = pipe
        // A thread of its own reads the output to its end. Not `readabilityHandler`: its dispatch
        // source can outlive this object, and a pipe closed under a live source crashed the test
        // process inside libdispatch (seen once in CI); the thread holds the pipe until EOF.
        let output = self.output
        let drained = self.drained
        let reader = pipe.fileHandleForReading
        Thread.detachNewThread {
            while true {
                let data = reader.availableData
                if data.isEmpty { break }
                output.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
            drained.withLock { $0 = true }
        }
        self.process = process
        try process.run()
    }

    public var log: String { output.value }
    public var pid: Int32 { process.processIdentifier }

    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit; returns its status, or nil on timeout.
    public func waitForExit(timeout: Duration = .seconds(20)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        // The output is complete once the pipe is drained; a grandchild that kept it open is not waited for.
        while !drained.value, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return process.terminationStatus
    }

    /// Runs to completion and returns (status, combined output).
    public static func run(_ arguments: [String], executable: String = "personad", environment: [String: String] = [:],
                           journalStream: Bool = false) async throws -> (Int32, String) {
        let child = try DaemonProcess(arguments, environment: environment, executable: executable, journalStream: journalStream)
        let status = await child.waitForExit(timeout: .seconds(60)) ?? -1
        return (status, child.log)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Polls `condition` until it holds or `timeout` passes.
public func eventually(timeout: Duration = .seconds(15), _ condition: () throws -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? condition()) == true { return true }
        try? await Task.sleep(for: .milliseconds(25))
    }
    return (try? condition()) == true
}

/// A datagram socket standing in for systemd's `$NOTIFY_SOCKET`; collects every message.
public final class NotifySocket: Sendable {
    public let path: String
    private let fd: Int32
    private let received = Locked<[String]>([])

    public init(directory: String) throws {
        path = (directory as NSString).appendingPathComponent("notify.sock")
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, result == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let socketFD = fd
        let received = self.received
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = recv(socketFD, &buffer, buffer.count, 0)
                if n > 0 {
                    let message = String(decoding: buffer[0..<n], as: UTF8.self)
                    received.withLock { $0.append(message) }
                } else if n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                    return
                }
            }
        }
        thread.start()
    }

    public var messages: [String] { received.value }

    /// Every `KEY=value` line received, in order.
    public var lines: [String] { messages.flatMap { $0.split(separator: "\n").map(String.init) } }

    public func close() { shutdown(fd, Int32(SHUT_RDWR)); Glibc.close(fd) }
}
