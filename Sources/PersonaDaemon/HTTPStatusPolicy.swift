import Foundation
import PersonaSources

/// What one HTTP response means for a poll, decided here for every network: readers only ever
/// see 2xx bodies.
///
/// - 304 on a conditional request: unchanged.
/// - 2xx: the body goes to the reader.
/// - 404/410: the account or feed is gone (polled rarely from then on).
/// - 429/503: the server asks to slow down; the retry waits for its `Retry-After`.
/// - anything else: a failure, retried with backoff.
///
/// An optional request (who reacted to a post) never fails its poll: a refusal skips that lookup,
/// and a 429/503 ends the lookups with what the poll has read.
enum HTTPStatusPolicy {
    enum Decision {
        case accept
        case notModified
        /// An optional lookup that failed: tell the poll and go on.
        case skipLookup
        /// An optional lookup the server refused for load: keep what was read, ask nothing more.
        case stopLookups
        /// The poll ends with this attempt.
        case end(Attempt)
    }

    static func decide(status: Int, request: SourceRequest, shown: String, notBefore: Date?) -> Decision {
        if request.optional, !(200..<300).contains(status) {
            return status == 429 || status == 503 ? .stopLookups : .skipLookup
        }
        switch status {
        case 304 where request.conditional: return .notModified
        case 200..<300: return .accept
        case 404, 410: return .end(.gone(status: status, message: "\(shown): HTTP \(status): the account or feed is gone"))
        case 429, 503: return .end(.failure(message: "\(shown): HTTP \(status): the server asks to slow down", retryAt: notBefore))
        default: return .end(.failure(message: "\(shown): HTTP \(status)", retryAt: nil))
        }
    }
}

