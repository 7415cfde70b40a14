import FlyingFox
import Foundation
import Testing
import TestSupport
@testable import PersonaFetch

/// The engine against a real HTTP server on 127.0.0.1, through real libcurl.
@Suite(.serialized) final class FetchEngineTests {
    let engine = FetchEngine(maximumConcurrent: 8, maximumPerHost: 4, userAgent: "personad-test/1")
    let requests = Locked<[String: Int]>([:])
    let inFlight = Locked(Peak())

    struct Peak: Sendable { var now = 0; var peak = 0 }

    deinit { engine.shutdown() }

    static let body = Data(String(repeating: "<item>hello</item>\n", count: 200).utf8)

    func count(_ path: String) -> Int { requests.withLock { $0[path, default: 0] } }

    func server() async throws -> LoopbackServer {
        let requests = self.requests
        let inFlight = self.inFlight
        let body = Self.body
        return try await LoopbackServer.start { server in
            await server.appendRoute("GET /feed") { request in
                requests.withLock { $0["/feed", default: 0] += 1 }
                if request.headers[HTTPHeader("If-None-Match")] == "\"v1\"" {
                    return HTTPResponse(statusCode: .notModified, headers: HTTPHeaders([HTTPHeader("ETag"): "\"v1\""]))
                }
                return HTTPResponse(statusCode: .ok, headers: HTTPHeaders([
                    HTTPHeader("ETag"): "\"v1\"", HTTPHeader("Last-Modified"): "Tue, 03 Mar 2026 10:00:00 GMT",
                    HTTPHeader("Content-Type"): "application/rss+xml",
                ]), body: body)
            }
            await server.appendRoute("GET /gzip") { request in
                let accepts = request.headers[HTTPHeader("Accept-Encoding")] ?? ""
                guard accepts.contains("gzip") else { return HTTPResponse(statusCode: .ok, body: body) }
                return HTTPResponse(statusCode: .ok, headers: HTTPHeaders([HTTPHeader("Content-Encoding"): "gzip"]), body: try gzipped(body))
            }
            await server.appendRoute("GET /bomb") { _ in
                // 8 MiB of zeros, about 8 KiB on the wire: only the write callback can stop it.
                HTTPResponse(statusCode: .ok, headers: HTTPHeaders([HTTPHeader("Content-Encoding"): "gzip"]),
                             body: try gzipped(Data(count: 8 << 20)))
            }
            await server.appendRoute("GET /big") { _ in HTTPResponse(statusCode: .ok, body: Data(count: 1 << 20)) }
            await server.appendRoute("GET /loop/:n") { request in
                let next = (Int(request.path.split(separator: "/").last ?? "") ?? 0) + 1
                return HTTPResponse(statusCode: .found, headers: HTTPHeaders([HTTPHeader("Location"): "/loop/\(next)"]))
            }
            await server.appendRoute("GET /slow") { _ in
                try await Task.sleep(for: .seconds(5))
                return HTTPResponse(statusCode: .ok, body: body)
            }
            await server.appendRoute("GET /held/:n") { _ in
                inFlight.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
                try await Task.sleep(for: .milliseconds(300))
                inFlight.withLock { $0.now -= 1 }
                return HTTPResponse(statusCode: .ok, body: Data("ok".utf8))
            }
            await server.appendRoute("GET /missing") { _ in HTTPResponse(statusCode: .notFound) }
        }
    }

    @Test func getReturnsBodyAndValidatorsThenConditionalGetIs304() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let first = try await engine.fetch(FetchRequest(url: server.url("/feed")))
        #expect(first.status == 200)
        #expect(first.body == Self.body)
        #expect(first.etag == "\"v1\"")
        #expect(first.lastModified == "Tue, 03 Mar 2026 10:00:00 GMT")
        let second = try await engine.fetch(FetchRequest(url: server.url("/feed"), etag: first.etag, lastModified: first.lastModified))
        #expect(second.status == 304)
        #expect(second.isNotModified)
        #expect(second.body.isEmpty)
        #expect(count("/feed") == 2)
    }

    @Test func gzipIsRequestedAndDecoded() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let response = try await engine.fetch(FetchRequest(url: server.url("/gzip")))
        #expect(response.headers["content-encoding"] == "gzip")
        #expect(response.body == Self.body)
    }

    @Test func redirectLimit() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let error = await #expect(throws: FetchError.self) {
            try await self.engine.fetch(FetchRequest(url: server.url("/loop/0"), maximumRedirects: 3))
        }
        #expect(error?.kind == .tooManyRedirects)
        #expect(error?.description.contains("/loop/0") == true)
    }

    @Test func byteCapWithContentLength() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let error = await #expect(throws: FetchError.self) {
            try await self.engine.fetch(FetchRequest(url: server.url("/big"), maximumBytes: 64 << 10))
        }
        #expect(error?.kind == .tooLarge)
    }

    @Test func byteCapOnDecodedBytesStopsACompressionBomb() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let error = await #expect(throws: FetchError.self) {
            try await self.engine.fetch(FetchRequest(url: server.url("/bomb"), maximumBytes: 1 << 20))
        }
        #expect(error?.kind == .tooLarge)
    }

    @Test func totalTimeout() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let started = ContinuousClock.now
        let error = await #expect(throws: FetchError.self) {
            try await self.engine.fetch(FetchRequest(url: server.url("/slow"), totalTimeout: 0.5))
        }
        #expect(error?.kind == .timeout)
        #expect(ContinuousClock.now - started < .seconds(4))
    }

    @Test func httpErrorsAreResponses() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let response = try await engine.fetch(FetchRequest(url: server.url("/missing")))
        #expect(response.status == 404)
        #expect(!response.isSuccess)
    }

    @Test func connectionRefusedIsAnError() async throws {
        let error = await #expect(throws: FetchError.self) {
            // Port 1 on loopback: nothing listens there.
            try await self.engine.fetch(FetchRequest(url: "http://127.0.0.1:1/feed", connectTimeout: 2))
        }
        #expect(error?.kind == .connect)
    }

    @Test func fileURLsOnlyWhenAllowed() async throws {
        let directory = try TemporaryDirectory("fetch-file")
        defer { directory.remove() }
        let path = try directory.write("feed.xml", "<rss/>")
        let url = URL(fileURLWithPath: path).absoluteString
        let response = try await engine.fetch(FetchRequest(url: url, allowFile: true))
        #expect(response.status == 200)
        #expect(response.body == Data("<rss/>".utf8))
        let error = await #expect(throws: FetchError.self) { try await self.engine.fetch(FetchRequest(url: url)) }
        #expect(error?.kind == .protocolNotAllowed)
    }

    @Test func perHostCapIsHonoured() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let engine = self.engine
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<12 {
                group.addTask { try await engine.fetch(FetchRequest(url: server.url("/held/\(index)"))).status }
            }
            for try await status in group { #expect(status == 200) }
        }
        let peak = inFlight.value.peak
        #expect(peak <= 4)
        #expect(peak >= 2)
    }

    @Test func cancellationAbandonsTheTransfer() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let engine = self.engine
        let task = Task { try await engine.fetch(FetchRequest(url: server.url("/slow"))) }
        try await Task.sleep(for: .milliseconds(200))
        let started = ContinuousClock.now
        task.cancel()
        let result = await task.result
        #expect(ContinuousClock.now - started < .seconds(2))
        guard case .failure(let error as FetchError) = result else {
            Issue.record("expected a cancellation error, got \(result)")
            return
        }
        #expect(error.kind == .cancelled)
    }
}
