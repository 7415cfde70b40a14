import Foundation
import Testing
@testable import PersonaFetch
import PersonaUtilities

@Suite struct PolitenessHeaderTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func retryAfterSecondsOrDate() {
        #expect(Politeness.retryAfter("120", now: now) == now.addingTimeInterval(120))
        #expect(Politeness.retryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == Date(timeIntervalSince1970: 784_111_777))
        #expect(Politeness.retryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now: now) == Date(timeIntervalSince1970: 784_111_777))
        #expect(Politeness.retryAfter("Sun Nov  6 08:49:37 1994", now: now) == Date(timeIntervalSince1970: 784_111_777))
        #expect(Politeness.retryAfter("soon", now: now) == nil)
    }

    @Test func gates() {
        #expect(Politeness.notBefore(status: 200, headers: [:], now: now) == nil)
        #expect(Politeness.notBefore(status: 429, headers: [:], now: now) == now.addingTimeInterval(60))
        #expect(Politeness.notBefore(status: 503, headers: ["retry-after": "5"], now: now) == now.addingTimeInterval(5))
        // Mastodon: an ISO 8601 reset, only when the budget is spent.
        let mastodon = ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "2026-05-28T20:30:00.000Z"]
        #expect(Politeness.notBefore(status: 200, headers: mastodon, now: now) == DateParsing_iso("2026-05-28T20:30:00Z"))
        #expect(Politeness.notBefore(status: 200, headers: ["x-ratelimit-remaining": "12", "x-ratelimit-reset": "2026-05-28T20:30:00.000Z"], now: now) == nil)
        // Reddit: a float budget and seconds until the reset.
        #expect(Politeness.notBefore(status: 200, headers: ["x-ratelimit-remaining": "0.0", "x-ratelimit-reset": "42"], now: now) == now.addingTimeInterval(42))
        // Epoch seconds.
        #expect(Politeness.notBefore(status: 200, headers: ["ratelimit-remaining": "0", "ratelimit-reset": "1780000100"], now: now) == now.addingTimeInterval(100))
        // A reset in the past never schedules a request in the past.
        #expect(Politeness.notBefore(status: 200, headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "2020-01-01T00:00:00Z"], now: now) == now)
    }

    func DateParsing_iso(_ text: String) -> Date? {
        ISO8601DateFormatter().date(from: text)
    }
}
