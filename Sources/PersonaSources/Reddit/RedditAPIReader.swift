import Foundation
import PersonaModel

/// Reads a Reddit account's public listings: `/user/NAME/submitted.json` (posts) and
/// `/user/NAME/comments.json` (comments), each paged with `after`.
///
/// Posts (`t3`) are originals: `num_comments` is conversation, `num_crossposts` amplification,
/// `score` applause. Comments (`t1`) are the persona joining conversations: `score` is applause;
/// listings give no reply counts for comments. A top-level comment on the persona's own post is
/// a self-reply. `created_utc` is used, never `created`.
public struct RedditAPIReader: RemoteReader {
    public static let unmeasurable: [Metric: String] = [:]

    public init() {}

    public static func defaultURL(handle: String) -> String? { "https://www.reddit.com" }

    public func makePoll(_ context: PollContext) -> any SourcePoll { Poll(context: context) }

    struct Listing: Decodable {
        var kind: String?
        var data: Page
        struct Page: Decodable {
            var after: String?
            var children: [Child]
        }
        struct Child: Decodable {
            var kind: String
            var data: Thing
        }
        struct Thing: Decodable {
            var id: String
            var name: String?
            var created_utc: Double
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

    struct Poll: SourcePoll {
        let context: PollContext
        let base: String
        let name: String
        var memo: [String: String]
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
            let root = base
            queue = ["submitted", "comments"].map { ($0, SourceRequest(url: Poll.url(root, handle, $0, after: nil), conditional: true)) }
        }

        static func url(_ base: String, _ name: String, _ listing: String, after: String?) -> String {
            "\(base)/user/\(JSONReading.query(name))/\(listing).json?limit=100&raw_json=1" + (after.map { "&after=\(JSONReading.query($0))" } ?? "")
        }

        /// Reddit upvotes everything its author posts: the score less that one vote is what others gave.
        static func othersVotes(_ score: Int?) -> Int? { score.map { max(0, $0 - 1) } }

        mutating func nextRequest() -> SourceRequest? { queue.first?.request }

        mutating func notModified(_ request: SourceRequest) { queue.removeFirst() }

        mutating func receive(_ response: SourceResponse) throws(SourceError) {
            let listingName = queue.removeFirst().listing
            pages[listingName, default: 0] += 1
            let listing = try JSONReading.decode(Listing.self, from: response.body, location: response.url)
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
