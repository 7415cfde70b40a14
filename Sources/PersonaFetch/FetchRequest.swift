import Foundation
import PersonaUtilities

/// One HTTP(S) or `file://` GET, with the limits it must respect.
public struct FetchRequest: Sendable, Hashable {
    public var url: String
    /// Validators from the previous successful response, for a conditional GET.
    public var etag: String?
    public var lastModified: String?
    /// The body is abandoned once it passes this many bytes (enforced while receiving,
    /// since `Content-Length` may be absent or false).
    public var maximumBytes: Int
    public var connectTimeout: TimeInterval
    /// The whole transfer, redirects included.
    public var totalTimeout: TimeInterval
    /// A transfer slower than 1 byte/s for this long is abandoned.
    public var lowSpeedTime: TimeInterval
    public var maximumRedirects: Int
    /// `file://` is refused unless the source was configured with a local path.
    public var allowFile: Bool
    /// A PEM bundle to verify the server against, instead of the system's.
    public var caFile: String?
    /// Credentials, given to libcurl's own authentication (never as a header the caller built), so
    /// that libcurl sends them to this URL's host only, never to a host a redirect leads to.
    public var authorization: RequestAuthorization?
    /// A POST of this `application/x-www-form-urlencoded` body instead of a GET (an OAuth token request).
    public var form: String?
    /// Instead of the engine's User-Agent.
    public var userAgent: String?

    public init(
        url: String, etag: String? = nil, lastModified: String? = nil, maximumBytes: Int = 16 << 20,
        connectTimeout: TimeInterval = 10, totalTimeout: TimeInterval = 60, lowSpeedTime: TimeInterval = 30,
        maximumRedirects: Int = 5, allowFile: Bool = false, caFile: String? = nil, authorization: RequestAuthorization? = nil, form: String? = nil,
        userAgent: String? = nil
    ) {
        self.userAgent = userAgent
        self.authorization = authorization
        self.form = form
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.maximumBytes = maximumBytes
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.lowSpeedTime = lowSpeedTime
        self.maximumRedirects = maximumRedirects
        self.allowFile = allowFile
        self.caFile = caFile
    }
}

/// What came back. HTTP error statuses are responses, not errors: the caller decides.
public struct FetchResponse: Sendable {
    /// The HTTP status; `200` for a `file://` read.
    public var status: Int
    /// The decoded body (gzip, deflate and brotli are undone by libcurl).
    public var body: Data
    /// Header names lower-cased; of repeated headers the last wins. Only the final response's headers.
    public var headers: [String: String]
    public var effectiveURL: String
    /// When the server said it will next accept a request to this host (429/503 `Retry-After`,
    /// or an exhausted rate-limit budget), if it did.
    public var notBefore: Date?

    public var etag: String? { headers["etag"] }
    public var lastModified: String? { headers["last-modified"] }
    public var isNotModified: Bool { status == 304 }
    public var isSuccess: Bool { (200..<300).contains(status) }

    public init(status: Int, body: Data, headers: [String: String], effectiveURL: String, notBefore: Date? = nil) {
        self.status = status
        self.body = body
        self.headers = headers
        self.effectiveURL = effectiveURL
        self.notBefore = notBefore
    }
}

/// Why a transfer produced no response.
public struct FetchError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case timeout, tooLarge = "too_large", tooManyRedirects = "too_many_redirects"
        case protocolNotAllowed = "protocol_not_allowed", tls, connect, transport, cancelled
        /// Not sent: the server said it would refuse requests to this host until `retryAt`.
        case deferred
    }

    public var url: String
    public var kind: Kind
    public var detail: String
    public var retryAt: Date?

    public init(url: String, kind: Kind, detail: String, retryAt: Date? = nil) {
        self.url = url
        self.kind = kind
        self.detail = detail
        self.retryAt = retryAt
    }

    public var description: String { "\(FetchEngine.redact(url)): \(detail)" }
}
