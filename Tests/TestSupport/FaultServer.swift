import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP/1.1 server that misbehaves on purpose, at the level of the socket: it can
/// stay silent, drip a byte at a time, reset or cut a body short, lie about its encoding, stream
/// without end or redirect anywhere. Each path has a `Behavior`, changed while it runs; every
/// request is logged with its time. One blocking thread per connection: the faults are about
/// time, and a thread that sleeps is the plainest way to hold a connection open.
///
/// - Important: it listens on 127.0.0.1 only. Run fault tests in a network namespace of their own
///   (`Scripts/fault-matrix`), so that a redirect to an unresolvable name cannot leave the machine.
public final class FaultServer: Sendable {
    public enum Behavior: Sendable {
        /// A complete response; `Content-Length` and `Connection: close` are added.
        case reply(status: Int, headers: [String: String], body: Data)
        /// Reads the request and never answers.
        case silent
        /// Promises `Content-Length: 100000`, then sends one byte every `every`.
        case drip(every: Duration)
        /// Sends half of a promised body, then resets the connection (RST).
        case reset
        /// Promises more bytes than it sends, then closes the connection normally.
        case truncated
        /// Streams a body of unknown length until the client gives up.
        case endless
    }

    public struct Logged: Sendable {
        public var path: String
        public var at: Date
    }

    private let behaviors = Locked<[String: Behavior]>([:])
    private let logged = Locked<[Logged]>([])
    private let stopped = Locked(false)
    private let listener: Int32
    public let port: UInt16
    /// A loopback address: 127.0.0.1, or another of 127/8 to stand for another host (a server's
    /// `Retry-After` holds back every request to its host, whatever the port).
    public let address: String

    public init(address: String = "127.0.0.1") throws {
        self.address = address
        (listener, port) = try Self.listen(address: address, backlog: 64)
        let listener = self.listener, behaviors = self.behaviors, logged = self.logged, stopped = self.stopped
        Thread.detachNewThread {
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 {
                    if errno == EINTR { continue }
                    return  // shut down by stop()
                }
                Thread.detachNewThread {
                    Self.serve(connection, behaviors: behaviors, logged: logged, stopped: stopped)
                    close(connection)
                }
            }
        }
    }

    public var base: String { "http://\(address):\(port)" }
    public func url(_ path: String) -> String { base + path }

    public func set(_ path: String, _ behavior: Behavior) { behaviors.withLock { $0[path] = behavior } }

    /// When each request for `path` arrived, oldest first.
    public func requests(_ path: String) -> [Date] { logged.value.filter { $0.path == path }.map(\.at) }

    public func stop() {
        stopped.withLock { $0 = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// A listening socket that never accepts, its queue already full: a connection to it is
    /// neither refused nor accepted (the kernel drops the SYN), so the client's connect timeout is
    /// what ends it. Returns the port; the sockets live until the process ends.
    public static func unacceptingPort() throws -> UInt16 {
        let (fd, port) = try listen(address: "127.0.0.1", backlog: 0)
        _ = fd
        // Linux queues backlog + 1 connections; fill it (and then some) without waiting.
        for _ in 0..<4 {
            let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            var address = loopback("127.0.0.1", port: port)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        return port
    }

    // MARK: - Serving one connection

    private static func serve(_ fd: Int32, behaviors: Locked<[String: Behavior]>, logged: Locked<[Logged]>, stopped: Locked<Bool>) {
        guard let path = readRequestPath(fd) else { return }
        logged.withLock { $0.append(Logged(path: path, at: Date())) }
        let behavior = behaviors.withLock { $0[path] } ?? .reply(status: 404, headers: [:], body: Data("no such path".utf8))
        switch behavior {
        case .reply(let status, let headers, let body):
            var head = "HTTP/1.1 \(status) Fault\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            _ = write(fd, Data((head + "\r\n").utf8) + body)
        case .silent:
            while !stopped.value, !peerClosed(fd) { usleep(100_000) }
        case .drip(let every):
            guard write(fd, Data("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n<".utf8)) else { return }
            let micros = useconds_t(every.components.seconds * 1_000_000 + every.components.attoseconds / 1_000_000_000_000)
            while !stopped.value {
                usleep(micros)
                guard write(fd, Data(" ".utf8)) else { return }
            }
        case .reset:
            _ = write(fd, Data("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 4000\r\n\r\n".utf8)
                          + Data(repeating: UInt8(ascii: " "), count: 2000))
            usleep(100_000)
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)  // close() now sends RST, not FIN
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        case .truncated:
            _ = write(fd, Data("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 10000\r\n\r\n<?xml version=\"1.0\"?><rss".utf8))
        case .endless:
            guard write(fd, Data("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n".utf8)) else { return }
            let block = Data(repeating: UInt8(ascii: " "), count: 64 << 10)
            while !stopped.value, write(fd, block) {}
        }
    }

    /// The request's path (without query), once its head has arrived; nil if the client left first.
    private static func readRequestPath(_ fd: Int32) -> String? {
        var head = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while head.count < 65536 {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { return nil }
            head += buffer[0..<n]
            if head.count >= 4, String(decoding: head, as: UTF8.self).contains("\r\n\r\n") { break }
        }
        let line = String(decoding: head, as: UTF8.self).split(separator: "\r\n").first ?? ""
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else { return nil }
        return String(parts[1].split(separator: "?", maxSplits: 1).first ?? "")
    }

    private static func write(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw -> Bool in
            guard let start = raw.baseAddress else { return true }
            var offset = 0
            while offset < raw.count {
                let n = send(fd, start + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
    }

    private static func peerClosed(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    private static func loopback(_ ip: String, port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr(ip)
        return address
    }

    private static func listen(address ip: String, backlog: Int32) throws -> (Int32, UInt16) {
        precondition(ip.hasPrefix("127."), "a fault server listens on loopback only")
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopback(ip, port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, Glibc.listen(fd, backlog) == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }
}

/// The network namespace the tests run in.
public enum NetworkNamespace {
    /// True when loopback is the only interface (inside `unshare --net`): nothing sent can leave.
    public static var loopbackOnly: Bool {
        // /proc/net/dev lists the interfaces of the reader's own namespace (/sys/class/net shows
        // those of the namespace sysfs was mounted in). Unreadable means unknown: not isolated.
        guard let table = try? String(contentsOfFile: "/proc/net/dev", encoding: .utf8) else { return false }
        let names = table.split(separator: "\n").dropFirst(2).compactMap { $0.split(separator: ":").first?.trimmingCharacters(in: .whitespaces) }
        return names == ["lo"]
    }
}
