import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real TLS server on 127.0.0.1 (`openssl s_server -www`) with a fresh self-signed certificate
/// for `127.0.0.1`: libcurl refuses it unless told to trust `certificate`.
public final class TLSServer: Sendable {
    public let port: UInt16
    /// The server's certificate (PEM), for a `ca_file` that trusts it.
    public let certificate: String
    private let process: Process

    public static func start(in directory: TemporaryDirectory) async throws -> TLSServer {
        try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                 "-keyout", directory.file("key.pem"), "-out", directory.file("cert.pem"), "-days", "1",
                 "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
        for _ in 0..<20 {
            let candidate = UInt16.random(in: 20000...60000)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = ["s_server", "-accept", "127.0.0.1:\(candidate)", "-cert", directory.file("cert.pem"),
                                 "-key", directory.file("key.pem"), "-www", "-quiet"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if await eventually(timeout: .seconds(3), { canConnect(candidate) }) {
                return TLSServer(port: candidate, certificate: directory.file("cert.pem"), process: process)
            }
            kill(process.processIdentifier, SIGKILL)
        }
        throw POSIXError(.EADDRINUSE)
    }

    private init(port: UInt16, certificate: String, process: Process) {
        self.port = port
        self.certificate = certificate
        self.process = process
    }

    public var url: String { "https://127.0.0.1:\(port)/" }

    /// SIGKILL without waiting: Foundation's `waitUntilExit` spins when called from a deinit while
    /// the test process winds down.
    public func stop() { kill(process.processIdentifier, SIGKILL) }

    deinit { stop() }

    private static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw POSIXError(.EIO) }
    }

    static func canConnect(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
