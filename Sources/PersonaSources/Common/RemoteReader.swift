import Foundation
import PersonaModel
import PersonaUtilities

/// One HTTP request a remote reader wants made.
public struct SourceRequest: Sendable, Hashable {
    public var url: String
    /// Send this URL's stored validators (`If-None-Match`, `If-Modified-Since`). Use it only for
    /// stable URLs (a feed, an API's first page), never for cursors that change every poll.
    public var conditional: Bool
    /// A request the poll can do without (e.g. who reacted to a post): if it fails, the daemon tells
    /// the poll (`skipped`) and goes on; a 429 or 503 ends the poll with what it has.
    public var optional: Bool
    /// Credentials for this request (from the source's secret); the fetch engine gives them to
    /// libcurl, which sends them to this URL's host only.
    public var authorization: RequestAuthorization?
    /// A POST of this form body (`application/x-www-form-urlencoded`) instead of a GET.
    public var form: String?
    /// A User-Agent of the network's own form (Reddit asks for one naming the app and the user);
    /// nil: personad's.
    public var userAgent: String?

    public init(url: String, conditional: Bool, optional: Bool = false, authorization: RequestAuthorization? = nil, form: String? = nil,
                userAgent: String? = nil) {
        self.userAgent = userAgent
        self.url = url
        self.conditional = conditional
        self.optional = optional
        self.authorization = authorization
        self.form = form
    }
}

/// A response handed back to a remote reader: always a 2xx (other statuses are the daemon's).
public struct SourceResponse: Sendable {
    public var url: String
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(url: String, status: Int, headers: [String: String], body: Data) {
        self.url = url
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// What a remote reader knows when a poll starts.
public struct PollContext: Sendable {
    /// The configured `url` (or the reader's default): a feed's URL, or an API's base URL.
    public var url: String
    public var handle: String
    /// Paging stops once it reaches posts older than this.
    public var windowStart: Date
    /// Values the reader asked to keep from its last successful poll (e.g. an account id).
    public var memo: [String: String]
    /// Paging never fetches more pages than this in one poll.
    public var maximumPages: Int

    /// For readers that can name who reacted (the network's `engagerLookups`): at most this many of the newest posts whose
    /// counts changed since the last poll are looked up per poll; 0 never.
    public var engagerPosts: Int
    /// When the poll starts.
    public var now: Date
    /// The source's secret (`token_file` or `credential`), if it has one.
    public var secret: Secret?
    /// Values the reader asked to keep in memory only (never stored): an access token and its
    /// expiry. Lost at a restart, so a reader must be able to start without them.
    public var session: [String: String]

    public init(url: String, handle: String, windowStart: Date, memo: [String: String] = [:], maximumPages: Int = 10,
                engagerPosts: Int = 0, now: Date = Date(), secret: Secret? = nil, session: [String: String] = [:]) {
        self.now = now
        self.secret = secret
        self.session = session
        self.engagerPosts = engagerPosts
        self.url = url
        self.handle = handle
        self.windowStart = windowStart
        self.memo = memo
        self.maximumPages = maximumPages
    }
}

/// A reader of a remote source (an API or a feed): it says which URLs to fetch and turns their
/// bytes into observations. It never does I/O: the daemon fetches, through libcurl.
public protocol RemoteReader: Sendable {
    /// What this source can never measure, and why; the scorer lists these as unmeasured.
    static var unmeasurable: [Metric: String] { get }
    /// The URL to use when the configuration gives none (e.g. the public Bluesky AppView).
    static func defaultURL(handle: String) -> String?
    /// A fresh poll: one walk through the source's pages.
    func makePoll(_ context: PollContext) -> any SourcePoll
}

extension RemoteReader {
    public static func defaultURL(handle: String) -> String? { nil }
}

extension SourcePoll {
    public var session: [String: String] { [:] }
    public mutating func skipped(_ request: SourceRequest) {}
    public mutating func refused(_ request: SourceRequest, status: Int) { skipped(request) }
}

/// One poll of a remote source: a small state machine.
///
/// The daemon asks `nextRequest()`, fetches it, and hands the body to `receive(_:)`, or calls
/// `notModified(_:)` when a conditional request was answered 304, until `nextRequest()` is nil.
/// `observation` then holds the posts seen in this poll (the store keeps those of earlier polls).
public protocol SourcePoll {
    mutating func nextRequest() -> SourceRequest?
    mutating func receive(_ response: SourceResponse) throws(SourceError)
    mutating func notModified(_ request: SourceRequest)
    /// An optional request failed (a timeout, or a body that did not parse); the poll goes on.
    mutating func skipped(_ request: SourceRequest)
    /// An optional request was answered with this error status; the poll goes on. By default the
    /// same as `skipped`.
    mutating func refused(_ request: SourceRequest, status: Int)
    var observation: Observation { get }
    /// Values to keep for the next poll (only kept if the whole poll succeeds).
    var memo: [String: String] { get }
    /// Values to keep in memory for the next poll, whatever its outcome (`PollContext.session`).
    var session: [String: String] { get }
}

/// A reader of one self-contained document (a feed): one conditional request, one parse.
public protocol DocumentReader: RemoteReader {
    func read(_ data: Data, location: String, handle: String) throws(SourceError) -> Observation
}

extension DocumentReader {
    public func makePoll(_ context: PollContext) -> any SourcePoll {
        DocumentPoll(reader: self, context: context)
    }
}

/// The poll of a `DocumentReader`: fetch the URL once, conditionally.
struct DocumentPoll<Reader: DocumentReader>: SourcePoll {
    let reader: Reader
    let context: PollContext
    var done = false
    var observation = Observation(posts: [])
    var memo: [String: String] { context.memo }

    init(reader: Reader, context: PollContext) {
        self.reader = reader
        self.context = context
        observation.unmeasurable = Reader.unmeasurable
    }

    mutating func nextRequest() -> SourceRequest? {
        done ? nil : SourceRequest(url: context.url, conditional: true)
    }

    mutating func receive(_ response: SourceResponse) throws(SourceError) {
        done = true
        observation = try reader.read(response.body, location: context.url, handle: context.handle)
    }

    mutating func notModified(_ request: SourceRequest) { done = true }
}

/// Helpers for JSON APIs.
enum JSONReading {
    /// Decodes `T`, turning a `DecodingError` into a `SourceError` that names the record
    /// (the first array index on the path) and the field.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, location: String) throws(SourceError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw sourceError(error, location: location)
        } catch {
            throw SourceError(location: location, detail: "malformed JSON (\(error))")
        }
    }

    static func sourceError(_ error: DecodingError, location: String) -> SourceError {
        let (path, detail): ([any CodingKey], String)
        switch error {
        case .typeMismatch(let type, let context): (path, detail) = (context.codingPath, "expected \(type)")
        case .valueNotFound(let type, let context): (path, detail) = (context.codingPath, "missing \(type)")
        case .keyNotFound(let key, let context): (path, detail) = (context.codingPath + [key], "missing")
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            (path, detail) = (context.codingPath, "malformed JSON (\(underlying ?? context.debugDescription))")
        @unknown default: (path, detail) = ([], "\(error)")
        }
        let record = path.first { $0.intValue != nil }?.intValue.map { $0 + 1 }
        let field = path.filter { $0.intValue == nil }.map(\.stringValue).joined(separator: ".")
        return SourceError(location: location, record: record, field: field.isEmpty ? nil : field, detail: detail)
    }

    /// The `rel="next"` target of an RFC 8288 `Link` header.
    static func nextLink(_ header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let target = pieces.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
            let isNext = pieces.dropFirst().contains { parameter in
                let lower = parameter.lowercased().replacingOccurrences(of: " ", with: "")
                return lower == "rel=\"next\"" || lower == "rel=next"
            }
            if isNext { return String(target.dropFirst().dropLast()) }
        }
        return nil
    }

    /// Percent-encodes a query value.
    static func query(_ value: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#/:@")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// `base` without a trailing slash.
    static func trimmed(_ base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}
