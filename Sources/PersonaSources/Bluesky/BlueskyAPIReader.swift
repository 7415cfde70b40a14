import Foundation
import PersonaModel

/// Reads a Bluesky account through the public AppView (no authentication):
/// `app.bsky.actor.getProfile` for the DID and follower count, then
/// `app.bsky.feed.getAuthorFeed?filter=posts_with_replies`, paged with `cursor`.
///
/// Reposts of others (`reason.$type == app.bsky.feed.defs#reasonRepost`) are not the persona's
/// posts. Count fields are optional and default to 0 (the AppView omits zeros).
public struct BlueskyAPIReader: RemoteReader {
    public static let unmeasurable: [Metric: String] = [:]
    public static let publicAppView = "https://public.api.bsky.app"

    public init() {}

    public static func defaultURL(handle: String) -> String? { publicAppView }

    public func makePoll(_ context: PollContext) -> any SourcePoll { Poll(context: context) }

    struct Profile: Decodable {
        var did: String
        var handle: String?
        var followersCount: Int?
    }

    struct Feed: Decodable {
        var cursor: String?
        var feed: [Item]

        struct Item: Decodable {
            var post: Post
            var reason: Reason?
        }

        struct Reason: Decodable {
            var type: String?
            enum CodingKeys: String, CodingKey { case type = "$type" }
        }

        struct Post: Decodable {
            var uri: String
            var author: Author
            var record: Record
            var replyCount: Int?
            var repostCount: Int?
            var likeCount: Int?
            var quoteCount: Int?
            var indexedAt: String?
        }

        struct Author: Decodable {
            var did: String
            var handle: String?
        }

        struct Record: Decodable {
            var text: String?
            var createdAt: String?
            var reply: Reply?
            var tags: [String]?
            var facets: [Facet]?
        }

        struct Reply: Decodable {
            var parent: Reference?
            var root: Reference?
        }

        struct Reference: Decodable { var uri: String }

        struct Facet: Decodable {
            var features: [Feature]?
            struct Feature: Decodable {
                var type: String?
                var tag: String?
                enum CodingKeys: String, CodingKey { case type = "$type", tag }
            }
        }
    }

    struct Poll: SourcePoll {
        let context: PollContext
        let base: String
        var memo: [String: String]
        var observation = Observation(posts: [], unmeasurable: BlueskyAPIReader.unmeasurable)
        var next: SourceRequest?
        var did: String?
        var pages = 0

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

        mutating func nextRequest() -> SourceRequest? { next }

        mutating func notModified(_ request: SourceRequest) { next = nil }

        mutating func receive(_ response: SourceResponse) throws(SourceError) {
            if response.url.contains("app.bsky.actor.getProfile") {
                let profile = try JSONReading.decode(Profile.self, from: response.body, location: response.url)
                did = profile.did
                memo["did"] = profile.did
                observation.audience = profile.followersCount
                next = feed(cursor: nil)
                return
            }
            pages += 1
            let page = try JSONReading.decode(Feed.self, from: response.body, location: response.url)
            var oldest: Date?
            for (index, item) in page.feed.enumerated() {
                let post = item.post
                let createdText = post.record.createdAt ?? post.indexedAt ?? ""
                guard let created = DateParsing.iso8601(createdText) else {
                    throw SourceError(location: response.url, record: index + 1, field: "post.record.createdAt", detail: "not an ISO 8601 time")
                }
                oldest = min(oldest ?? created, created)
                if item.reason?.type == "app.bsky.feed.defs#reasonRepost" || (did != nil && post.author.did != did) {
                    observation.skippedReposts += 1
                    continue
                }
                let kind: PostKind
                if let parent = post.record.reply?.parent?.uri {
                    kind = parent.hasPrefix("at://\(post.author.did)/") ? .selfReply : .reply
                } else {
                    kind = .original
                }
                let facetTags = (post.record.facets ?? []).flatMap { $0.features ?? [] }
                    .filter { $0.type == "app.bsky.richtext.facet#tag" }.compactMap(\.tag)
                let rkey = post.uri.split(separator: "/").last.map(String.init) ?? ""
                let profile = post.author.handle ?? post.author.did
                observation.posts.append(Post(
                    id: post.uri, createdAt: created, kind: kind, text: post.record.text ?? "",
                    url: "https://bsky.app/profile/\(profile)/post/\(rkey)",
                    tags: Array(Set((post.record.tags ?? []) + facetTags)).map { $0.lowercased() }.sorted(),
                    counts: EngagementCounts(
                        replies: post.replyCount ?? 0,
                        reposts: (post.repostCount ?? 0) + (post.quoteCount ?? 0),
                        likes: post.likeCount ?? 0),
                    inReplyTo: post.record.reply?.parent?.uri))
            }
            if let cursor = page.cursor, !page.feed.isEmpty, pages < context.maximumPages, let oldest, oldest >= context.windowStart {
                next = feed(cursor: cursor)
            } else {
                next = nil
            }
        }
    }
}
