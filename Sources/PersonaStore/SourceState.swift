import Foundation
import PersonaModel

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
