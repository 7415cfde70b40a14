import Foundation
import PersonaModel
import PersonaUtilities

/// Reads a Reddit account's public listings: `/user/NAME/submitted.json` (posts) and
/// `/user/NAME/comments.json` (comments), each paged with `after`.
///
/// Posts (`t3`) are originals: `num_comments` is conversation, `num_crossposts` amplification,
/// `score` applause. Comments (`t1`) are the persona joining conversations: `score` is applause;
/// listings give no reply counts for comments. A top-level comment on the persona's own post is
/// a self-reply. `created_utc` is used, never `created`.
///
/// With a script app's credentials (`token_file` or `credential` holding `CLIENT_ID:CLIENT_SECRET`)
/// the poll first gets an application-only OAuth token (`POST /api/v1/access_token`,
/// `grant_type=client_credentials`, the client id and secret as HTTP Basic), keeps it in memory
/// only until a minute before it expires, and reads the same listings from `oauth.reddit.com`
/// with it, as Reddit asks API clients to. Every request then names the app and the user in its
/// User-Agent (`linux:personad:VERSION (by /u/NAME)`), as Reddit's API rules ask.
public struct RedditAPIReader: RemoteReader {
    public static let unmeasurable: [Metric: String] = [:]

    public init() {}

    public static func defaultURL(handle: String) -> String? { "https://www.reddit.com" }

    public func makePoll(_ context: PollContext) -> any SourcePoll { Poll(context: context) }

    /// What the reader keeps of a listing (read in `RedditAPIReader+JSON.swift`).
    struct Listing {
        var data: Page
        struct Page {
            var after: String?
            var children: [Child] = []
        }
        struct Child {
            var kind: String
            var data: Thing
        }
        struct Thing {
            var id: String
            var name: String?
            var created_utc: Double = 0
            var title: String?
            var selftext: String?
            var body: String?
            var permalink: String?
            var subreddit: String?
            var score: Int?
            var num_comments: Int?
            var num_crossposts: Int?
            var link_author: String?
            var parent_id: String?
            var link_id: String?
            var author: String?
        }
    }

    struct Token: Decodable {
        var access_token: String
        var expires_in: Double?
    }

    struct Poll: SourcePoll {
        let context: PollContext
        let base: String
        let name: String
        var memo: [String: String]
        /// The access token and its expiry (seconds since 1970), kept in memory only.
        var session: [String: String]
        /// Waiting for the token endpoint's answer.
        var awaitingToken = false
        /// A token is asked for this long before the one held expires.
        static let tokenMargin: TimeInterval = 60
        var observation = Observation(posts: [], unmeasurable: RedditAPIReader.unmeasurable)
        /// The listing pages still to fetch, each with the listing it belongs to.
        var queue: [(listing: String, request: SourceRequest)]
        var pages: [String: Int] = [:]
        /// Each comment's parent (`t1_…` or `t3_…`), to find replies to the persona's own comments
        /// on any page.
        var parents: [String: String] = [:]

        init(context: PollContext) {
            self.context = context
            base = JSONReading.trimmed(context.url)
            var handle = context.handle
            if handle.hasPrefix("u/") || handle.hasPrefix("/u/") { handle = String(handle.split(separator: "/").last ?? "") }
            name = handle
            memo = context.memo
            session = context.session
            // An app reads the listings from the OAuth host (a configured test or proxy URL serves both).
            let root = context.secret != nil && base == "https://www.reddit.com" ? "https://oauth.reddit.com" : base
            listingBase = root
            queue = ["submitted", "comments"].map { ($0, SourceRequest(url: Poll.url(root, handle, $0, after: nil), conditional: true)) }
            if context.secret != nil, !hasToken { awaitingToken = true }
        }

        let listingBase: String

        var hasToken: Bool {
            guard session["access_token"] != nil, let expiry = session["expires_at"].flatMap(Double.init) else { return false }
            return expiry - Self.tokenMargin > context.now.timeIntervalSince1970
        }

        var userAgent: String? { context.secret == nil ? nil : "linux:personad:\(PersonadVersion.current) (by /u/\(name))" }

        /// The token request: the client id and secret as HTTP Basic, never in the form or the URL.
        func tokenRequest(_ secret: Secret) -> SourceRequest {
            let parts = secret.reveal().split(separator: ":", maxSplits: 1).map(String.init)
            let client = Secret(parts.last ?? "", origin: secret.origin)
            return SourceRequest(url: "\(base)/api/v1/access_token", conditional: false,
                                 authorization: .basic(user: parts.first ?? "", password: client),
                                 form: "grant_type=client_credentials", userAgent: userAgent)
        }

        static func url(_ base: String, _ name: String, _ listing: String, after: String?) -> String {
            "\(base)/user/\(JSONReading.query(name))/\(listing).json?limit=100&raw_json=1" + (after.map { "&after=\(JSONReading.query($0))" } ?? "")
        }

        /// Reddit upvotes everything its author posts: the score less that one vote is what others gave.
        static func othersVotes(_ score: Int?) -> Int? { score.map { max(0, $0 - 1) } }

        mutating func nextRequest() -> SourceRequest? {
            if awaitingToken, let secret = context.secret { return tokenRequest(secret) }
            guard var request = queue.first?.request else { return nil }
            if let token = session["access_token"], context.secret != nil {
                request.authorization = .bearer(Secret(token, origin: "Reddit access token"))
                request.userAgent = userAgent
            }
            return request
        }

        mutating func notModified(_ request: SourceRequest) { queue.removeFirst() }

        mutating func receive(_ response: SourceResponse) throws(SourceError) {
            if awaitingToken {
                let token = try JSONReading.decode(Token.self, from: response.body, location: response.url)
                guard !token.access_token.isEmpty else {
                    throw SourceError(location: response.url, field: "access_token", detail: "empty: the app's credentials were not accepted")
                }
                awaitingToken = false
                session["access_token"] = token.access_token
                session["expires_at"] = String(context.now.timeIntervalSince1970 + (token.expires_in ?? 3600))
                return
            }
            let listingName = queue.removeFirst().listing
            pages[listingName, default: 0] += 1
            let listing = try JSONPage.read(response.body, location: response.url) { page throws(JSONPage.Failure) in try Listing(&page) }
            var oldest: Date?
            for child in listing.data.children {
                let thing = child.data
                let created = Date(timeIntervalSince1970: thing.created_utc)
                oldest = min(oldest ?? created, created)
                let url = thing.permalink.map { $0.hasPrefix("http") ? $0 : "https://www.reddit.com\($0)" }
                let topic = thing.subreddit.map { [$0.lowercased()] } ?? []
                switch child.kind {
                case "t3":
                    observation.posts.append(Post(
                        id: "t3_\(thing.id)", createdAt: created, kind: .original,
                        text: thing.title ?? "", url: url, tags: topic,
                        counts: EngagementCounts(replies: thing.num_comments, reposts: thing.num_crossposts, likes: Self.othersVotes(thing.score))))
                case "t1":
                    let onOwnPost = thing.link_author?.caseInsensitiveCompare(name) == .orderedSame
                    let topLevel = thing.parent_id?.hasPrefix("t3_") ?? false
                    if let parent = thing.parent_id { parents["t1_\(thing.id)"] = parent }
                    observation.posts.append(Post(
                        id: "t1_\(thing.id)", createdAt: created, kind: ReplyKind.reply(parentIsOwn: onOwnPost && topLevel),
                        text: thing.body ?? "", url: url, tags: topic,
                        counts: EngagementCounts(replies: nil, reposts: nil, likes: Self.othersVotes(thing.score)),
                        // A submission's num_comments counts its whole thread, so the persona's comments
                        // anywhere in its own thread are taken out of it.
                        inReplyTo: onOwnPost ? thing.link_id : thing.parent_id))
                default:
                    continue
                }
            }
            // A reply to one of the persona's own comments continues its own words (as the export reads it).
            let own = Set(observation.posts.map(\.id))
            for index in observation.posts.indices where observation.posts[index].kind == .reply {
                if let parent = parents[observation.posts[index].id], own.contains(parent) {
                    observation.posts[index].kind = ReplyKind.reply(parentIsOwn: true)
                }
            }
            if let after = listing.data.after, !listing.data.children.isEmpty, pages[listingName, default: 0] < context.maximumPages,
               let oldest, oldest >= context.windowStart {
                queue.insert((listingName, SourceRequest(url: Self.url(base, name, listingName, after: after), conditional: false)), at: 0)
            }
        }
    }
}
