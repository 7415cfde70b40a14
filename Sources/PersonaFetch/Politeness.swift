import Foundation
import PersonaUtilities

/// What a server said about when it will next accept a request, read from its headers.
///
/// Pure functions of a response's status and headers, so that the engine and the daemon
/// agree on them and tests can check them without a server.
public enum Politeness {
    /// How long to stay away after a 429 or 503 that gives no `Retry-After`.
    public static let defaultRetryAfter: TimeInterval = 60

    /// `Retry-After`: delay-seconds or an HTTP date.
    public static func retryAfter(_ value: String, now: Date) -> Date? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds >= 0, seconds.isFinite { return now.addingTimeInterval(min(seconds, 86400 * 7)) }
        return DateParsing.httpDate(trimmed)
    }

    /// The time before which the host must not be asked again, if the response says so:
    /// - 429 and 503: `Retry-After`, else `defaultRetryAfter`;
    /// - any status: a rate-limit budget of zero (`X-RateLimit-Remaining: 0`, or `RateLimit-Remaining`)
    ///   until its reset. Mastodon's `X-RateLimit-Reset` is an ISO 8601 time; others send epoch
    ///   seconds or seconds from now; all three are read.
    public static func notBefore(status: Int, headers: [String: String], now: Date) -> Date? {
        var gate: Date?
        if status == 429 || status == 503 {
            gate = headers["retry-after"].flatMap { retryAfter($0, now: now) } ?? now.addingTimeInterval(defaultRetryAfter)
        }
        let remaining = (headers["x-ratelimit-remaining"] ?? headers["ratelimit-remaining"]).flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        if let remaining, remaining < 1,
           let reset = (headers["x-ratelimit-reset"] ?? headers["ratelimit-reset"]).flatMap({ resetTime($0, now: now) }) {
            gate = max(gate ?? reset, reset)
        }
        return gate.map { max($0, now) }
    }

    /// A rate-limit reset: an ISO 8601 time, epoch seconds (> 10⁹), or seconds from now.
    public static func resetTime(_ value: String, now: Date) -> Date? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let date = DateParsing.iso8601(trimmed) { return date }
        guard let number = Double(trimmed), number >= 0, number.isFinite else { return nil }
        let date = number > 1_000_000_000 ? Date(timeIntervalSince1970: number) : now.addingTimeInterval(number)
        // A reset far in the future is a misreading, not a reason to stop for a week.
        return min(date, now.addingTimeInterval(86400))
    }

    /// Exponential backoff with full jitter: a random delay in [minimum, min(cap, base × 2^(failures-1))].
    public static func backoff(failures: Int, base: TimeInterval = 60, cap: TimeInterval = 6 * 3600,
                               minimum: TimeInterval = 10, random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }) -> TimeInterval {
        let exponent = Double(min(max(failures, 1) - 1, 30))
        let ceiling = max(minimum, min(cap, base * pow(2, exponent)))
        return random(minimum...ceiling)
    }
}
