import Foundation
import PersonaModel
import PersonaSnapshots

/// What the daemon remembers about one configured source between polls.
public struct SourceState: Sendable, Hashable {
    /// `<persona id>|<kind>|<location>`: a changed location is a new source.
    public var key: String
    public var personaID: PersonaID
    public var kind: SourceKind
    /// The export path or feed URL, with credentials removed.
    public var location: String
    /// Per URL, the validators of its last good response, sent back for a conditional GET.
    public var validators: [String: Validators]
    /// Values a reader keeps between polls (e.g. an account id).
    public var memo: [String: String]
    /// For exports: size, mtime and content hash of what was last read, so an unchanged export is not re-read.
    public var contentSignature: String?
    public var lastAttempt: Date?
    public var lastSuccess: Date?
    public var lastError: String?
    public var consecutiveFailures: Int
    public var audience: Int?
    /// When the daemon plans to poll this source next.
    public var nextAttempt: Date?
    /// The server's own "not before" (429/503 `Retry-After`, an exhausted rate limit).
    public var notBefore: Date?
    /// The HTTP status of the last response, if the source is fetched over HTTP.
    public var httpStatus: Int?
    /// The server answered 404 or 410: the account or feed is gone (polled rarely, in case it returns).
    public var gone: Bool
    /// What the reader skipped or repaired in the last successful read (`Observation.notes`),
    /// one sentence each; kept through failures and 304s, which read nothing new.
    public var notes: [String] = []

    public init(key: String, personaID: PersonaID, kind: SourceKind, location: String) {
        self.key = key
        self.personaID = personaID
        self.kind = kind
        self.location = location
        self.validators = [:]
        self.memo = [:]
        self.consecutiveFailures = 0
        self.gone = false
    }
}

/// An HTTP response's validators.
public struct Validators: Sendable, Hashable, Codable {
    public var etag: String?
    public var lastModified: String?

    public init(etag: String?, lastModified: String?) {
        self.etag = etag
        self.lastModified = lastModified
    }
}

extension SourceState {
    /// Whether a snapshot built from this state could read differently from one built from
    /// `previous`: a new source, a first success, a different error, failure count, audience,
    /// notes, gone flag or server hold, or an HTTP status of another class (a 200 and a 304 read the same).
    public func readsDifferently(than previous: SourceState?) -> Bool {
        guard let previous, previous.lastSuccess != nil else { return true }
        return previous.lastError != lastError || previous.gone != gone
            || SnapshotFingerprint.statusClass(previous.httpStatus) != SnapshotFingerprint.statusClass(httpStatus)
            || previous.consecutiveFailures != consecutiveFailures || previous.audience != audience || previous.notes != notes
            || (previous.notBefore != nil) != (notBefore != nil)
    }

    /// Whether only the times and the HTTP status moved since `previous` (a 304, typically), so
    /// that the stored row can be updated in place.
    public func movedOnlyInTime(since previous: SourceState) -> Bool {
        var same = self
        same.lastAttempt = previous.lastAttempt
        same.lastSuccess = previous.lastSuccess
        same.nextAttempt = previous.nextAttempt
        same.httpStatus = previous.httpStatus
        return same == previous
    }
}
