import Foundation

/// What others did with one post, as far as a source could see.
///
/// `nil` means *not measured by this source*, never zero: an X archive has no reply counts,
/// so its posts carry `replies == nil`, and the scorer lists conversation as unmeasured.
public struct EngagementCounts: Sendable, Hashable, Codable {
    /// Replies or comments by others (conversation).
    public var replies: Int?
    /// Reposts, shares, boosts and quotes by others (amplification).
    public var reposts: Int?
    /// Likes, favourites and similar one-click reactions (applause).
    public var likes: Int?

    public init(replies: Int? = nil, reposts: Int? = nil, likes: Int? = nil) {
        self.replies = replies
        self.reposts = reposts
        self.likes = likes
    }

    /// Merges two observations of the same post: a newer measurement replaces an older one,
    /// but a source that cannot measure a count never erases one that another source measured.
    public func updated(with newer: EngagementCounts) -> EngagementCounts {
        EngagementCounts(
            replies: newer.replies ?? replies,
            reposts: newer.reposts ?? reposts,
            likes: newer.likes ?? likes
        )
    }
}

/// The role a post plays in the persona's activity.
public enum PostKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A post that starts something: not a reply.
    case original
    /// A reply to someone else: conversation the persona joined.
    case reply
    /// A reply to the persona's own post (threads): counts for nothing on its own.
    case selfReply = "self_reply"
}

/// One of the persona's own posts. Reposts of other people's posts are never `Post`s:
/// readers drop them, because they are not the persona's content.
public struct Post: Sendable, Hashable, Codable, Identifiable {
    /// The platform's identifier (or, for feeds, the item's guid or link).
    public var id: String
    public var createdAt: Date
    public var kind: PostKind
    /// Plain text (HTML entities decoded), possibly truncated by the reader.
    public var text: String
    public var url: String?
    /// Lower-cased hashtags or categories, without `#`.
    public var tags: [String]
    public var counts: EngagementCounts
    /// For a reply: the post whose reply count includes it (its parent; for a Reddit comment, the
    /// submission of its thread). When that post is the persona's own, the scorer takes this reply
    /// out of the parent's count, so talking to oneself adds no conversation.
    public var inReplyTo: String?

    public init(
        id: String, createdAt: Date, kind: PostKind, text: String, url: String? = nil,
        tags: [String] = [], counts: EngagementCounts = EngagementCounts(), inReplyTo: String? = nil
    ) {
        self.inReplyTo = inReplyTo
        self.id = id
        self.createdAt = createdAt
        self.kind = kind
        self.text = text
        self.url = url
        self.tags = tags
        self.counts = counts
    }
}
