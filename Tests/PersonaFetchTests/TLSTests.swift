import Foundation
import Testing
import TestSupport
@testable import PersonaFetch
#if canImport(Glibc)
import Glibc
#endif

/// TLS through real libcurl against a real TLS server (`openssl s_server`) with a self-signed
/// certificate: verification is always on, and `ca_file` is how an operator trusts a private CA.
@Suite(.serialized) final class TLSTests {
    let directory: TemporaryDirectory
    let engine = FetchEngine(userAgent: "personad-test")
    var server: Process?
    var port: UInt16 = 0

    init() throws { directory = try TemporaryDirectory("tls") }

    deinit {
        // SIGKILL without waiting: Foundation's waitUntilExit spins when called from a deinit
        // while the test process winds down.
        if let pid = server?.processIdentifier { kill(pid, SIGKILL) }
        engine.shutdown()
        directory.remove()
    }

    func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw POSIXError(.EIO) }
    }

    func startServer() async throws {
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
            if await eventually(timeout: .seconds(3), { Self.canConnect(candidate) }) {
                server = process
                port = candidate
                return
            }
            kill(process.processIdentifier, SIGKILL)
        }
        throw POSIXError(.EADDRINUSE)
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

    @Test func untrustedCertificateIsAClearTLSErrorAndCAFileTrustsIt() async throws {
        try await startServer()
        let url = "https://127.0.0.1:\(port)/"
        let error = await #expect(throws: FetchError.self) { try await self.engine.fetch(FetchRequest(url: url)) }
        #expect(error?.kind == .tls)
        #expect(error?.description.contains(url) == true)
        #expect(error?.description.lowercased().contains("certificate") == true, "\(String(describing: error))")
        let response = try await engine.fetch(FetchRequest(url: url, caFile: directory.file("cert.pem")))
        #expect(response.status == 200)
    }

    @Test func plainHTTPServerSpokenToOverTLSFails() async throws {
        let server = try await LoopbackServer.start { _ in }
        defer { Task { await server.stop() } }
        let error = await #expect(throws: FetchError.self) {
            try await self.engine.fetch(FetchRequest(url: "https://127.0.0.1:\(server.port)/", connectTimeout: 3, totalTimeout: 5))
        }
        #expect(error?.kind == .tls || error?.kind == .transport)
    }
}
