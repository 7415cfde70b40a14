import FlyingFox
import FlyingSocks
import Foundation

/// A loopback HTTP server that answers each request target (path and query, in any order) with
/// a canned reply, the way a platform's API would: a stable `ETag` per body with `304` for a
/// matching `If-None-Match`, and gzip when the client accepts it. Every request is logged.
public final class FixtureServer: Sendable {
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
        /// Send an `ETag` and answer `If-None-Match` with 304.
        public var validators: Bool
        public var delay: Duration
        /// Answer 401 unless the request's `Authorization` header is exactly this.
        public var authorization: String?

        public init(status: Int = 200, headers: [String: String] = [:], body: Data = Data(), validators: Bool = true, delay: Duration = .zero,
                    authorization: String? = nil) {
            self.authorization = authorization
            self.status = status
            self.headers = headers
            self.body = body
            self.validators = validators
            self.delay = delay
        }
    }

    public struct Logged: Sendable {
        public var target: String
        public var ifNoneMatch: String?
        public var acceptEncoding: String?
        public var userAgent: String?
        public var status: Int
        public var gzipped: Bool
        public var at: Date
        public var method: String = "GET"
        public var authorization: String?
        public var body: String = ""
    }

    private let replies: Locked<[String: Reply]>
    private let logged: Locked<[Logged]>
    private let inFlight: Locked<(now: Int, peak: Int)>
    private let server: LoopbackServer

    public static func start() async throws -> FixtureServer {
        let replies = Locked<[String: Reply]>([:])
        let logged = Locked<[Logged]>([])
        let inFlight = Locked((now: 0, peak: 0))
        let server = try await LoopbackServer.start(handler: { request in
            try await answer(request, replies: replies, logged: logged, inFlight: inFlight)
        })
        return FixtureServer(replies: replies, logged: logged, inFlight: inFlight, server: server)
    }

    private init(replies: Locked<[String: Reply]>, logged: Locked<[Logged]>, inFlight: Locked<(now: Int, peak: Int)>, server: LoopbackServer) {
        self.replies = replies
        self.logged = logged
        self.inFlight = inFlight
        self.server = server
    }

    public var port: UInt16 { server.port }
    public var base: String { "http://127.0.0.1:\(server.port)" }
    public func url(_ target: String) -> String { base + target }
    public var requests: [Logged] { logged.value }
    public var peakConcurrency: Int { inFlight.value.peak }

    /// Requests whose target starts with `prefix`.
    public func requests(_ prefix: String) -> [Logged] { logged.value.filter { $0.target.hasPrefix(prefix) } }

    public func set(_ target: String, _ reply: Reply) {
        replies.withLock { $0[Self.normalize(target)] = reply }
    }

    public func set(_ target: String, status: Int = 200, headers: [String: String] = [:], json: String, authorization: String? = nil) {
        set(target, Reply(status: status, headers: ["Content-Type": "application/json"].merging(headers) { $1 }, body: Data(json.utf8),
                          authorization: authorization))
    }

    public func set(_ target: String, status: Int = 200, headers: [String: String] = [:], xml: String) {
        set(target, Reply(status: status, headers: ["Content-Type": "application/atom+xml"].merging(headers) { $1 }, body: Data(xml.utf8)))
    }

    public func stop() async { await server.stop() }

    /// Path plus query items sorted by name, so that parameter order does not matter.
    public static func normalize(_ target: String) -> String {
        guard let components = URLComponents(string: target) else { return target }
        let query = (components.queryItems ?? []).map { "\($0.name)=\($0.value ?? "")" }.sorted().joined(separator: "&")
        return components.path + (query.isEmpty ? "" : "?" + query)
    }

    static func etag(_ body: Data) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in body { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return "\"\(String(hash, radix: 16))\""
    }

    private static func answer(_ request: HTTPRequest, replies: Locked<[String: Reply]>, logged: Locked<[Logged]>,
                               inFlight: Locked<(now: Int, peak: Int)>) async throws -> HTTPResponse {
        inFlight.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
        defer { inFlight.withLock { $0.now -= 1 } }
        let target = normalize(request.target.rawValue)
        let ifNoneMatch = request.headers[HTTPHeader("If-None-Match")]
        let accept = request.headers[HTTPHeader("Accept-Encoding")]
        let authorization = request.headers[HTTPHeader("Authorization")]
        let requestBody = String(decoding: try await request.bodyData, as: UTF8.self)
        var reply = replies.withLock { $0[target] } ?? Reply(status: 404, body: Data("no fixture for \(target)".utf8), validators: false)
        if let required = reply.authorization, authorization != required {
            // As an API answers a missing or wrong token; the body quotes what it was sent, as some do.
            reply = Reply(status: 401, body: Data(#"{"error": "invalid token \#(authorization ?? "")"}"#.utf8), validators: false)
        }
        if reply.delay > .zero { try await Task.sleep(for: reply.delay) }
        var headers = HTTPHeaders()
        for (name, value) in reply.headers { headers[HTTPHeader(name)] = value }
        let etag = etag(reply.body)
        var status = reply.status
        var body = reply.body
        var gzip = false
        if reply.validators, (200..<300).contains(status) {
            headers[HTTPHeader("ETag")] = etag
            if ifNoneMatch == etag {
                status = 304
                body = Data()
            }
        }
        if !body.isEmpty, accept?.contains("gzip") == true {
            body = try gzipped(body)
            headers[HTTPHeader("Content-Encoding")] = "gzip"
            gzip = true
        }
        logged.withLock {
            $0.append(Logged(target: target, ifNoneMatch: ifNoneMatch, acceptEncoding: accept,
                             userAgent: request.headers[HTTPHeader("User-Agent")], status: status, gzipped: gzip, at: Date(),
                             method: request.method.rawValue, authorization: authorization, body: requestBody))
        }
        return HTTPResponse(statusCode: HTTPStatusCode(status, phrase: "Fixture"), headers: headers, body: body)
    }
}
