import Foundation
import Logging
import PersonaConfig
import PersonaFetch
import PersonaStore

/// How one attempt at a source ended, before it is written into the source's state.
enum Attempt: Sendable {
    case success
    /// The server asked for no requests before this time (429/503 `Retry-After`, a host's gate).
    case deferred(until: Date)
    /// 404 or 410: the account or feed is gone.
    case gone(status: Int, message: String)
    case failure(message: String, retryAt: Date?)

    var succeeded: Bool {
        if case .success = self { return true }
        return false
    }

    /// The error to show, if the attempt failed.
    var error: String? {
        switch self {
        case .success, .deferred: nil
        case .gone(_, let message), .failure(let message, _): message
        }
    }

    /// How often a source is polled and how far back a poll looks.
    struct Policy: Sendable {
        var now: Date
        var windowStart: Date
        var interval: TimeInterval
        var jitter: Double
        var maximumPages: Int

        init(_ configuration: Configuration, persona: PersonaConfiguration, source: SourceConfiguration, now: Date) {
            self.now = now
            windowStart = now.addingTimeInterval(-configuration.window(for: persona))
            interval = source.interval ?? configuration.interval
            jitter = configuration.jitter
            maximumPages = configuration.maximumPages
        }
    }

    /// Writes the attempt into the state and plans the next poll: the regular interval (with
    /// jitter) after a success, the server's time when deferred, a day or more when gone, and
    /// exponential backoff (or the server's `Retry-After`, if later) after a failure.
    func apply(to state: inout SourceState, policy: Policy, now: Date, logger: Logger) -> Date {
        let regular = now.addingTimeInterval(policy.interval * (1 + (policy.jitter > 0 ? Double.random(in: -policy.jitter...policy.jitter) : 0)))
        let next: Date
        switch self {
        case .success:
            state.lastError = nil
            state.consecutiveFailures = 0
            state.lastSuccess = now
            state.gone = false
            next = regular
        case .deferred(let until):
            logger.info("persona \(state.personaID): \(state.location): deferred until \(until.formatted(.iso8601)) at the server's request")
            next = until.addingTimeInterval(Double.random(in: 0...5))
        case .gone(let status, let message):
            state.lastError = message
            state.consecutiveFailures += 1
            state.gone = true
            state.httpStatus = status
            next = now.addingTimeInterval(max(policy.interval, 86400))
        case .failure(let message, let retryAt):
            state.lastError = message
            state.consecutiveFailures += 1
            let backoff = now.addingTimeInterval(Politeness.backoff(failures: state.consecutiveFailures))
            next = max(backoff, retryAt ?? backoff)
        }
        state.nextAttempt = next
        return next
    }
}
