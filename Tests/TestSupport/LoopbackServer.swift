import FlyingFox
import FlyingSocks
import Foundation

/// A real HTTP server on 127.0.0.1 (FlyingFox) on a free port, for tests that go through libcurl.
public final class LoopbackServer: Sendable {
    public let server: HTTPServer
    public let port: UInt16
    private let task: Task<Void, any Error>

    /// Starts a server whose routes `configure` adds.
    public static func start(_ configure: @Sendable (HTTPServer) async -> Void) async throws -> LoopbackServer {
        try await start(root: nil, configure)
    }

    /// Starts a server that answers every request with `handler`.
    public static func start(handler: @Sendable @escaping (HTTPRequest) async throws -> HTTPResponse) async throws -> LoopbackServer {
        try await start(root: ClosureHTTPHandler(handler)) { _ in }
    }

    private static func start(root: (any HTTPHandler)?, _ configure: @Sendable (HTTPServer) async -> Void) async throws -> LoopbackServer {
        let server = HTTPServer(address: try sockaddr_in.inet(ip4: "127.0.0.1", port: 0), timeout: 30, logger: .disabled, handler: root)
        await configure(server)
        let task = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 10)
        guard case .ip4(_, let port)? = await server.listeningAddress else {
            throw URLError(.cannotConnectToHost)
        }
        return LoopbackServer(server: server, port: port, task: task)
    }

    private init(server: HTTPServer, port: UInt16, task: Task<Void, any Error>) {
        self.server = server
        self.port = port
        self.task = task
    }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    public func stop() async {
        await server.stop(timeout: 1)
        task.cancel()
    }
}
