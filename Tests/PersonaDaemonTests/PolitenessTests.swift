import Foundation
import PersonaFetch
import PersonaModel
import PersonaStore
import Testing
import TestSupport
@testable import PersonaDaemon

/// The daemon is polite: it honours what servers say about when to come back, backs off on
/// failures, and marks vanished accounts as gone, always visibly in the snapshot.
@Suite(.serialized) struct PolitenessTests {
    static let feed = """
        <?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
        <item><title>a</title><link>https://blog.example.org/a</link><pubDate>Mon, 01 Jun 2026 10:00:00 +0000</pubDate></item>
        </channel></rss>
        """

    func harness(_ server: FixtureServer, path: String = "/feed.xml") throws -> Harness {
        try Harness(server: server) { config, base in
            config
                .persona("blog", network: "blog", handle: "blog", sources: [("kind", "feed"), ("url", "\(base)\(path)")])
        }
    }

    @Test func tooManyRequestsWithRetryAfterIsAFloorOnTheNextRequest() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/feed.xml", .init(status: 429, headers: ["Retry-After": "120"], body: Data("slow down".utf8), validators: false))
        let harness = try harness(server)
        let start = Date()
        let outcome = try await harness.refresh(now: start)
        #expect(outcome.error?.contains("HTTP 429") == true)
        #expect(outcome.nextAttempt >= start.addingTimeInterval(119))
        let state = try #require(try harness.state())
        #expect(state.notBefore.map { $0 >= start.addingTimeInterval(119) } == true)
        #expect(server.requests.count == 1)
        // Asked again before then (e.g. SIGUSR1), nothing is sent, and the source says it is waiting.
        server.set("/feed.xml", xml: Self.feed)
        let early = try await harness.refresh()
        #expect(early.error == nil)
        #expect(server.requests.count == 1)
        let snapshot = try harness.snapshot()
        // Held back at the server's request: deferred (it said failing, though the docs promised deferred).
        #expect(snapshot.sources.first?.status == .deferred)
        #expect(snapshot.sources.first?.httpStatus == 429)
        #expect(snapshot.sources.first?.nextAttempt.map { $0 >= start.addingTimeInterval(119) } == true)
    }

    @Test func retryAfterAsAnHTTPDate() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        let until = Date().addingTimeInterval(600)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        server.set("/feed.xml", .init(status: 503, headers: ["Retry-After": formatter.string(from: until)], validators: false))
        let harness = try harness(server)
        let outcome = try await harness.refresh()
        #expect(abs(outcome.nextAttempt.timeIntervalSince(until)) < 2)
    }

    @Test func mastodonRateLimitResetIsHonouredBeforeTheBudgetRunsOut() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        let reset = Date().addingTimeInterval(300)
        // A successful answer that spends the last request of the budget: the reset is an ISO 8601 time.
        server.set("/feed.xml", .init(status: 200, headers: [
            "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset.formatted(.iso8601),
        ], body: Data(Self.feed.utf8)))
        let harness = try harness(server)
        let first = try await harness.refresh()
        #expect(first.error == nil)
        #expect(try harness.posts().count == 1)
        let second = try await harness.refresh()
        #expect(second.error == nil)
        #expect(server.requests.count == 1)
        #expect(abs(second.nextAttempt.timeIntervalSince(reset)) < 6)
        #expect(try harness.snapshot().sources.first?.status == .deferred)
        #expect(harness.engine.notBefore(host: "127.0.0.1") != nil)
    }

    /// After a response, a connection that fails leaves no HTTP status behind (it kept the last 200).
    @Test func aConnectionFailureClearsTheLastHTTPStatus() async throws {
        let server = try await FixtureServer.start()
        server.set("/feed.xml", xml: Self.feed)
        let harness = try harness(server)
        #expect(try await harness.refresh().error == nil)
        #expect(try harness.state()?.httpStatus == 200)
        await server.stop()
        let failed = try await harness.refresh()
        #expect(failed.error != nil)
        #expect(try harness.state()?.httpStatus == nil)
        let snapshot = try harness.snapshot()
        #expect(snapshot.sources.first?.status == .failing && snapshot.sources.first?.httpStatus == nil)
    }

    @Test func serverErrorsBackOffExponentiallyWithJitterUpToACap() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/feed.xml", .init(status: 500, validators: false))
        let harness = try harness(server)
        var ceilings: [TimeInterval] = []
        for failures in 1...4 {
            let now = Date()
            let outcome = try await harness.refresh(now: now)
            #expect(outcome.error?.contains("HTTP 500") == true)
            let delay = outcome.nextAttempt.timeIntervalSince(now)
            let ceiling = min(6 * 3600, 60 * pow(2, Double(failures - 1)))
            #expect(delay >= 10 && delay <= ceiling + 0.001, "failure \(failures): \(delay)s")
            ceilings.append(ceiling)
            #expect(try harness.state()?.consecutiveFailures == failures)
        }
        #expect(ceilings == [60, 120, 240, 480])
        // Full jitter: delays are spread, not fixed.
        let samples = (0..<50).map { _ in Politeness.backoff(failures: 5) }
        #expect(Set(samples.map { Int($0) }).count > 10)
        #expect(samples.allSatisfy { $0 >= 10 && $0 <= 960 })
        #expect(Politeness.backoff(failures: 40, random: { $0.upperBound }) == 6 * 3600)
    }

    @Test(arguments: [404, 410])
    func missingAccountOrFeedIsMarkedGoneWithItsStatus(_ status: Int) async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/feed.xml", .init(status: status, validators: false))
        let harness = try harness(server)
        let now = Date()
        let outcome = try await harness.refresh(now: now)
        #expect(outcome.error?.contains("HTTP \(status)") == true)
        #expect(outcome.nextAttempt >= now.addingTimeInterval(86400))
        let snapshot = try harness.snapshot()
        #expect(snapshot.sources.first?.status == .gone)
        #expect(snapshot.sources.first?.httpStatus == status)
        #expect(snapshot.score.status == .error)
    }

    @Test func aMalformedPageLeavesNoValidatorsSoTheNextPollFetchesInFull() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/feed.xml", xml: "<rss><channel><item>")
        let harness = try harness(server)
        #expect(try await harness.refresh().error?.contains("malformed XML") == true)
        #expect(try await harness.refresh().error != nil)
        #expect(server.requests.allSatisfy { $0.ifNoneMatch == nil })
        server.set("/feed.xml", xml: Self.feed)
        #expect(try await harness.refresh().error == nil)
        #expect(try await harness.refresh().error == nil)
        #expect(server.requests.last?.status == 304)
    }
}
