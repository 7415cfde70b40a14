import Foundation
import PersonaModel
import PersonaUtilities

/// Reads a Bluesky account through the public AppView (no authentication):
/// `app.bsky.actor.getProfile` for the DID and follower count, then
/// `app.bsky.feed.getAuthorFeed?filter=posts_with_replies`, paged with `cursor`.
///
/// Reposts of others (`reason.$type == app.bsky.feed.defs#reasonRepost`) are not the persona's
/// posts. Count fields are optional and default to 0 (the AppView omits zeros).
///
/// Who reacted: for the newest posts whose counts moved since the last poll (`engagerPosts`),
/// `app.bsky.feed.getLikes`, `getRepostedBy` and `getPostThread?depth=1` (direct replies) name the
/// accounts by DID, as optional lookups (see `EngagerLookups`).
public struct BlueskyAPIReader: RemoteReader {
    public static let unmeasurable: [Metric: String] = [:]
    public static let publicAppView = "https://public.api.bsky.app"

    public init() {}

    public static func defaultURL(handle: String) -> String? { publicAppView }

    public func makePoll(_ context: PollContext) -> any SourcePoll { Poll(context: context) }

    /// What the reader keeps of the API's JSON (read in `BlueskyAPIReader+JSON.swift`).
    struct Profile {
        var did: String
        var followersCount: Int?
    }

    struct Feed {
        var cursor: String?
        var feed: [Item] = []

        struct Item {
            var post: Post
            /// The item is in the feed because the account reposted it (`reason` is a repost).
            var repost: Bool
        }

        struct Post {
            var uri: String
            var author: Author
            var record: Record
            var replyCount: Int?
            var repostCount: Int?
            var likeCount: Int?
            var quoteCount: Int?
            var indexedAt: String?
        }

        struct Author {
            var did: String
            var handle: String?
        }

        struct Record {
            var text: String?
            var createdAt: String?
            /// `reply.parent.uri`: the post this one answers.
            var replyParent: String?
            var tags: [String]?
            /// The tags of the text's `#tag` facets.
            var facetTags: [String] = []
        }
    }

    struct Poll: EngagerNamingPoll {
        let context: PollContext
        let base: String
        var memo: [String: String]
        var observation = Observation(posts: [], unmeasurable: BlueskyAPIReader.unmeasurable)
        var engagers = EngagerLookups()
        var next: SourceRequest?
        var did: String?
        var pages = 0
        /// What the next timeline response is: the profile, then feed pages. (Once the timeline is
        /// read, `engagers` says which lookup each response answers.)
        enum Phase { case profile, feed }
        var phase = Phase.profile

        init(context: PollContext) {
            self.context = context
            base = JSONReading.trimmed(context.url)
            memo = context.memo
            next = SourceRequest(url: "\(base)/xrpc/app.bsky.actor.getProfile?actor=\(JSONReading.query(context.handle))", conditional: false)
        }

        func feed(cursor: String?) -> SourceRequest {
            let actor = JSONReading.query(did ?? context.handle)
            let page = cursor.map { "&cursor=\(JSONReading.query($0))" } ?? ""
            return SourceRequest(url: "\(base)/xrpc/app.bsky.feed.getAuthorFeed?actor=\(actor)&limit=100&filter=posts_with_replies\(page)",
                                 conditional: cursor == nil)
        }

        func lookupURL(_ candidate: EngagerLookups.Candidate, _ metric: Metric) -> String {
            let xrpc = base + "/xrpc/app.bsky.feed.", uri = JSONReading.query(candidate.key)
            switch metric {
            case .applause: return xrpc + "getLikes?uri=\(uri)&limit=100"
            case .amplification: return xrpc + "getRepostedBy?uri=\(uri)&limit=100"
            default: return xrpc + "getPostThread?uri=\(uri)&depth=1&parentHeight=0"
            }
        }

        mutating func receiveLookup(_ response: SourceResponse) throws(SourceError) {
            let actors: [String]
            switch engagers.nextMetric {
            case .applause?:
                actors = try JSONPage.read(response.body, location: response.url) { page throws(JSONPage.Failure) in try BlueskyAPIReader.likers(&page) }
            case .amplification?:
                actors = try JSONPage.read(response.body, location: response.url) { page throws(JSONPage.Failure) in try BlueskyAPIReader.reposters(&page) }
            default:
                actors = try JSONPage.read(response.body, location: response.url) { page throws(JSONPage.Failure) in try BlueskyAPIReader.repliers(&page) }
            }
            // Bluesky states no follower or post counts for engagers: none is taken for fresh.
            engagers.answer(actors: actors.map { EngagerLookups.Engager(id: $0, fresh: false) }, own: did ?? memo["did"],
                            observation: &observation, memo: &memo)
        }

        mutating func receive(_ response: SourceResponse) throws(SourceError) {
            if next == nil, engagers.pending {
                try receiveLookup(response)
                return
            }
            if phase == .profile {
                let profile = try JSONPage.read(response.body, location: response.url) { page throws(JSONPage.Failure) in try Profile(&page) }
                phase = .feed
                did = profile.did
                memo["did"] = profile.did
                observation.audience = profile.followersCount
                next = feed(cursor: nil)
                return
            }
            pages += 1
            let page = try JSONPage.read(response.body, location: response.url) { page throws(JSONPage.Failure) in try Feed(&page) }
            var oldest: Date?
            for (index, item) in page.feed.enumerated() {
                let post = item.post
                let createdText = post.record.createdAt ?? post.indexedAt ?? ""
                guard let created = DateParsing.iso8601(createdText) else {
                    throw SourceError(location: response.url, record: index + 1, field: "post.record.createdAt", detail: "not an ISO 8601 time")
                }
                oldest = min(oldest ?? created, created)
                if item.repost || (did != nil && post.author.did != did) {
                    observation.skippedReposts += 1
                    continue
                }
                let kind: PostKind
                if let parent = post.record.replyParent {
                    kind = parent.hasPrefix("at://\(post.author.did)/") ? .selfReply : .reply
                } else {
                    kind = .original
                }
                let facetTags = post.record.facetTags
                let rkey = post.uri.split(separator: "/").last.map(String.init) ?? ""
                engagers.consider(.init(key: post.uri, postId: post.uri, replies: post.replyCount ?? 0,
                                        reposts: post.repostCount ?? 0, likes: post.likeCount ?? 0),
                                  created: created, context: context)
                let profile = post.author.handle ?? post.author.did
                observation.posts.append(Post(
                    id: post.uri, createdAt: created, kind: kind, text: post.record.text ?? "",
                    url: "https://bsky.app/profile/\(profile)/post/\(rkey)",
                    tags: Array(Set((post.record.tags ?? []) + facetTags)).map { $0.lowercased() }.sorted(),
                    counts: EngagerLookups.lessOwn(EngagementCounts(
                        replies: post.replyCount ?? 0,
                        reposts: (post.repostCount ?? 0) + (post.quoteCount ?? 0),
                        likes: post.likeCount ?? 0), key: post.uri, memo: memo),
                    inReplyTo: post.record.replyParent))
            }
            if let cursor = page.cursor, !page.feed.isEmpty, pages < context.maximumPages, let oldest, oldest >= context.windowStart {
                next = feed(cursor: cursor)
            } else {
                next = nil
            }
        }
    }
}
