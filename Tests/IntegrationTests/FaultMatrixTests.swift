import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The HTTP fault matrix: one persona per kind of failure, beside healthy personas, all served by
/// a misbehaving loopback server (`FaultServer`) to one real `personad` daemon. Every persona is
/// first read once in good health; then each faulty one's server turns bad at once. For each kind:
/// the daemon stays up, the healthy personas' snapshots stay fresh, the faulty persona keeps its
/// last good score marked stale with a clear `last_error` (and a log line naming its URL), and its
/// next attempt waits for the backoff or the server's `Retry-After`, with no request before it.
///
/// Important: run by `Scripts/fault-matrix` inside a network namespace of its own (loopback only),
/// because two kinds (a name that does not resolve, a redirect to another scheme) would otherwise
/// ask the machine's resolver. Elsewhere it is skipped, and says so.
@Suite(.serialized, .enabled(if: NetworkNamespace.loopbackOnly, "run by Scripts/fault-matrix in a loopback-only network namespace"))
struct FaultMatrixTests {

    enum Outcome {
        /// `failing`, with a `last_error` containing one of the words, after the exponential backoff.
        case failing([String])
        /// `deferred` until at least this many seconds after the attempt (the server's `Retry-After`).
        case deferred(atLeast: TimeInterval)
        /// `gone` with this status: the next attempt a day later.
        case gone(Int)
    }

    struct Fault {
        var name: String
        /// Served from another loopback address: a server's `Retry-After` holds back its whole host.
        var ownHost = false
        var behavior: FaultServer.Behavior
        var outcome: Outcome
        var keys: TOMLConfig.Keys = []
    }

    /// A blog's feed of `items` posts, one a day from 1 June 2026, newest first, with reply counts.
    static func rss(items: Int) -> FaultServer.Behavior {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let first = Date(timeIntervalSince1970: 1_780_308_000)  // 2026-06-01 10:00 UTC
        let body = (1...items).map { index in
            """
            <item><title>Post \(index)</title><link>https://blog.example.org/\(index)</link>
            <guid>https://blog.example.org/\(index)</guid>
            <pubDate>\(formatter.string(from: first.addingTimeInterval(Double(index - 1) * 86400)))</pubDate>
            <slash:comments>\((index * 7) % 11)</slash:comments></item>
            """
        }.reversed().joined(separator: "\n")
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel><title>t</title>
            \(body)
            </channel></rss>
            """
        return .reply(status: 200, headers: ["Content-Type": "application/rss+xml"], body: Data(document.utf8))
    }

    static func reply(_ status: Int, _ headers: [String: String] = [:], _ body: String = "") -> FaultServer.Behavior {
        .reply(status: status, headers: headers, body: Data(body.utf8))
    }

    static let httpDate: String = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: Date().addingTimeInterval(150))
    }()

    func faults(server: FaultServer, tls: TLSServer, unaccepting: UInt16) -> [Fault] {
        let html = "<!DOCTYPE html><html><head><title>Blog</title></head><body><p>Moved.</p></body></html>"
        return [
            Fault(name: "connect-timeout", behavior: Self.reply(302, ["Location": "http://127.0.0.1:\(unaccepting)/feed"]),
                  outcome: .failing(["timed out"]), keys: [("timeout", "4s")]),
            Fault(name: "read-timeout", behavior: .silent, outcome: .failing(["timed out"]), keys: [("timeout", "4s")]),
            Fault(name: "slow-drip", behavior: .drip(every: .seconds(2)), outcome: .failing(["too slow", "timed out"])),
            Fault(name: "reset", behavior: .reset, outcome: .failing(["reset", "recv failure"])),
            Fault(name: "truncated", behavior: .truncated, outcome: .failing(["remaining", "partial", "closed"])),
            Fault(name: "bad-gzip", behavior: Self.reply(200, ["Content-Encoding": "gzip", "Content-Type": "application/rss+xml"], "not gzip at all"),
                  outcome: .failing(["unencoding", "decod", "gzip"])),
            Fault(name: "over-cap", behavior: .endless, outcome: .failing(["max_bytes", "larger", "exceed"]), keys: [("max_bytes", 65536)]),
            Fault(name: "redirect-loop", behavior: Self.reply(302, ["Location": server.url("/redirect-loop")]), outcome: .failing(["redirect"])),
            Fault(name: "redirect-file", behavior: Self.reply(302, ["Location": "file:///etc/passwd"]), outcome: .failing(["file", "protocol"])),
            Fault(name: "redirect-scheme", behavior: Self.reply(301, ["Location": "ftp://127.0.0.1:\(server.port)/feed"]),
                  outcome: .failing(["ftp", "protocol"])),
            Fault(name: "429-seconds", ownHost: true, behavior: Self.reply(429, ["Retry-After": "120"]), outcome: .deferred(atLeast: 119)),
            Fault(name: "503-date", ownHost: true, behavior: Self.reply(503, ["Retry-After": Self.httpDate]), outcome: .deferred(atLeast: 100)),
            Fault(name: "500", behavior: Self.reply(500, [:], "Internal Server Error"), outcome: .failing(["500"])),
            Fault(name: "404", behavior: Self.reply(404, [:], "Not Found"), outcome: .gone(404)),
            Fault(name: "410", behavior: Self.reply(410, [:], "Gone"), outcome: .gone(410)),
            Fault(name: "invalid-xml", behavior: Self.reply(200, ["Content-Type": "application/rss+xml"], "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>\n<item><title>cut"),
                  outcome: .failing(["xml"])),
            Fault(name: "invalid-json", behavior: Self.reply(200, ["Content-Type": "application/feed+json"], #"{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "#),
                  outcome: .failing(["json"])),
            Fault(name: "wrong-type", behavior: Self.reply(200, ["Content-Type": "text/html; charset=utf-8"], html),
                  outcome: .failing(["feed", "html"])),
            Fault(name: "tls-untrusted", behavior: Self.reply(301, ["Location": tls.url]), outcome: .failing(["certificate"])),
            Fault(name: "unresolvable", behavior: Self.reply(301, ["Location": "http://feed.personad-fault.invalid/feed"]),
                  outcome: .failing(["resolve"])),
        ]
    }

    static let healthy = ["healthy-1", "healthy-2", "healthy-3"]

    @Test func everyKindOfHTTPFailureKeepsTheDaemonUpAndTheOthersFresh() async throws {
        let directory = try TemporaryDirectory("fault-matrix")
        defer { directory.remove() }
        let server = try FaultServer()
        defer { server.stop() }
        let tls = try await TLSServer.start(in: directory)
        defer { tls.stop() }
        let faults = faults(server: server, tls: tls, unaccepting: try FaultServer.unacceptingPort())
        var hosts: [String: FaultServer] = [:]
        for (offset, fault) in faults.filter(\.ownHost).enumerated() { hosts[fault.name] = try FaultServer(address: "127.0.0.\(offset + 2)") }
        defer { for host in hosts.values { host.stop() } }
        func host(_ name: String) -> FaultServer { hosts[name] ?? server }
        let good = Self.rss(items: 14)

        var config = TOMLConfig(daemon: [("state_directory", "\(directory.path)/state"), ("interval", "10s"), ("jitter", 0.0)],
                                scoring: [("window", "3650d")])
        for name in Self.healthy + faults.map(\.name) {
            host(name).set("/\(name)", good)
            var keys: TOMLConfig.Keys = [("kind", "feed"), ("url", .string(host(name).url("/\(name)")))]
            keys += faults.first { $0.name == name }?.keys ?? []
            config = config.persona(name, network: "blog", handle: name, sources: keys)
        }
        let configPath = try directory.write("personad.toml", config.description)
        let snapshots = directory.file("state/snapshots")
        func snapshot(_ id: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(snapshots)/\(id).json"))) as? [String: Any])
        }
        func source(_ id: String) throws -> [String: Any] {
            try #require((try snapshot(id)["sources"] as? [[String: Any]])?.first)
        }
        func date(_ value: Any?) -> Date? { (value as? String).flatMap { try? Date($0, strategy: .iso8601) } }
        let all = Self.healthy + faults.map(\.name)

        // 1. Everyone healthy: a good score for each.
        let notify = try NotifySocket(directory: directory.path)
        defer { notify.close() }
        let daemon = try DaemonProcess(["--config", configPath], environment: ["NOTIFY_SOCKET": notify.path])
        #expect(await eventually(timeout: .seconds(30)) { notify.lines.contains("READY=1") }, "\(daemon.log)")
        for id in all {
            let score = try #require(try snapshot(id)["score"] as? [String: Any], "\(id)")
            #expect(score["status"] as? String == "ok", "\(id): \(score)")
        }
        let values = try Dictionary(uniqueKeysWithValues: all.map { ($0, try #require((try snapshot($0)["score"] as? [String: Any])?["value"] as? Double)) })

        func posts(_ id: String) throws -> Int? {
            ((try snapshot(id)["score"] as? [String: Any])?["sample"] as? [String: Any])?["posts"] as? Int
        }

        // 2. Every faulty server turns bad at once and the healthy feeds gain a post; a refresh
        //    reads every source. The healthy personas' new snapshots do not wait for the slow ones.
        for fault in faults { host(fault.name).set("/\(fault.name)", fault.behavior) }
        for id in Self.healthy { server.set("/\(id)", Self.rss(items: 15)) }
        let turned = Date()
        daemon.signal(SIGUSR1)
        #expect(await eventually(timeout: .seconds(8)) { try Self.healthy.allSatisfy { try posts($0) == 15 } },
                "the healthy personas' snapshots waited for the failing sources: \(daemon.log)")

        // Read again on their 10 s interval while the dripping server (30 s to fail under the
        // low-speed limit) still holds its transfer: a slow source never holds up the schedule.
        for id in Self.healthy { server.set("/\(id)", Self.rss(items: 16)) }
        #expect(await eventually(timeout: .seconds(25)) { try Self.healthy.allSatisfy { try posts($0) == 16 } },
                "the healthy personas were not read again on time: \(daemon.log)")
        #expect(try source("slow-drip")["status"] as? String == "ok", "the dripping transfer ended before the healthy re-read")

        let failed = await eventually(timeout: .seconds(60)) {
            try faults.allSatisfy { fault in
                let state = try source(fault.name)
                return (date(state["last_attempt"]) ?? .distantPast) >= turned.addingTimeInterval(-1) && state["status"] as? String != "ok"
            }
        }
        #expect(failed, "not every faulty persona was marked: \(daemon.log)")
        #expect(daemon.process.isRunning, "the daemon stopped: \(daemon.log)")

        // 3. Each faulty persona: its last good score, stale, a clear error, a log line with its URL.
        var table: [String] = []
        for fault in faults {
            let document = try snapshot(fault.name)
            let score = try #require(document["score"] as? [String: Any])
            let state = try source(fault.name)
            let error = state["last_error"] as? String ?? ""
            let attempt = try #require(date(state["last_attempt"]))
            let next = try #require(date(state["next_attempt"]), "\(fault.name)")
            table.append("| \(fault.name) | \(state["status"] ?? "") | \(Int(next.timeIntervalSince(attempt))) s | \(error) |")
            #expect(score["value"] as? Double == values[fault.name], "\(fault.name): the last good score was not kept")
            switch fault.outcome {
            case .failing(let words):
                #expect(state["status"] as? String == "failing", "\(fault.name): \(state)")
                #expect(score["status"] as? String == "stale", "\(fault.name): \(score["status"] ?? "")")
                #expect(words.contains { error.lowercased().contains($0) }, "\(fault.name): last_error '\(error)' names none of \(words)")
                #expect(error.contains(host(fault.name).url("/\(fault.name)")), "\(fault.name): the error does not name the URL: \(error)")
                #expect(next.timeIntervalSince(attempt) >= 9, "\(fault.name): retried \(next.timeIntervalSince(attempt)) s later, under the backoff")
                #expect(daemon.log.split(separator: "\n").contains { $0.contains(fault.name) && $0.contains(host(fault.name).url("/\(fault.name)")) },
                        "\(fault.name): no log line names the persona and its URL")
            case .deferred(let seconds):
                #expect(state["status"] as? String == "deferred", "\(fault.name): \(state)")
                #expect(next.timeIntervalSince(attempt) >= seconds, "\(fault.name): next attempt \(next) is before the server's Retry-After")
            case .gone(let status):
                #expect(state["status"] as? String == "gone", "\(fault.name): \(state)")
                #expect(state["http_status"] as? Int == status)
                #expect(score["status"] as? String == "stale")
                #expect(next.timeIntervalSince(attempt) >= 86_000)
            }
        }
        print("fault matrix:\n" + table.joined(separator: "\n"))

        // 4. No faulty source was asked again before its next attempt; the healthy ones are fine.
        for id in Self.healthy {
            #expect((try snapshot(id)["score"] as? [String: Any])?["status"] as? String == "ok", "\(id)")
        }
        // Since its latest attempt began (`last_attempt`, whole seconds, at or before its first
        // request, which may wait for a connection slot), a source not yet due again was asked
        // exactly once (six times for the redirect loop: the request and five redirects).
        let now = Date()
        for fault in faults {
            let state = try source(fault.name)
            let attempt = try #require(date(state["last_attempt"]))
            let next = try #require(date(state["next_attempt"]))
            guard next > now.addingTimeInterval(1) else { continue }
            let since = max(attempt, turned)  // the healthy read before `turned` may fall in the same second
            let asked = host(fault.name).requests("/\(fault.name)").filter { $0 >= since }
            #expect(asked.count == (fault.name == "redirect-loop" ? 6 : 1),
                    "\(fault.name): asked \(asked.count) times since its attempt at \(attempt), next due \(next): \(asked)")
        }
        #expect(daemon.process.isRunning)

        // 5. SIGTERM in the middle of a refresh (silent and dripping servers hold transfers open):
        //    a clean exit, no temporary file left among the snapshots.
        daemon.signal(SIGUSR1)
        #expect(await eventually { server.requests("/read-timeout").count >= 3 })
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(20)) == 0, "\(daemon.log)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: snapshots).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }
}
