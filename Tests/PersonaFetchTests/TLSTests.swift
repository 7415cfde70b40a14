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

    init() throws { directory = try TemporaryDirectory("tls") }

    deinit {
        engine.shutdown()
        directory.remove()
    }

    @Test func untrustedCertificateIsAClearTLSErrorAndCAFileTrustsIt() async throws {
        let server = try await TLSServer.start(in: directory)
        defer { server.stop() }
        let url = server.url
        let error = await #expect(throws: FetchError.self) { try await self.engine.fetch(FetchRequest(url: url)) }
        #expect(error?.kind == .tls)
        #expect(error?.description.contains(url) == true)
        #expect(error?.description.lowercased().contains("certificate") == true, "\(String(describing: error))")
        let response = try await engine.fetch(FetchRequest(url: url, caFile: server.certificate))
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
