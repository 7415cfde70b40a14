import Foundation

/// What a source may be unable to measure, named after the score component that needs it.
public enum Metric: String, Sendable, Hashable, Codable, CaseIterable {
    /// Replies by others to the persona's posts.
    case conversation
    /// Reposts, shares, boosts and quotes by others.
    case amplification
    /// Likes and favourites.
    case applause
    /// The persona's own replies, comments on others' posts and answered messages.
    case responsiveness
    /// Endorsements and recommendations received.
    case recognition
}

/// One identified person's reaction to one of the persona's posts, where a source names who
/// reacted. The scorer counts each such person once per window, so a handful of accounts that
/// react to everything (a pod) weigh no more than a handful of people.
///
/// - Important: readers never report the persona itself as an engager.
public struct Engagement: Sendable, Hashable, Codable {
    public var postId: String
    /// `.conversation`, `.amplification` or `.applause`.
    public var metric: Metric
    /// The engager's stable account identifier on the network.
    public var actor: String
    /// The account was fresh and empty when it reacted (`Engagement.isFreshAndEmpty`): it counts
    /// `freshWeight` of a person. `false` where the source does not describe its engagers.
    public var fresh: Bool

    public init(postId: String, metric: Metric, actor: String, fresh: Bool = false) {
        self.postId = postId
        self.metric = metric
        self.actor = actor
        self.fresh = fresh
    }

    enum CodingKeys: String, CodingKey { case postId, metric, actor, fresh }

    /// Reads engagements written before `fresh` existed as not fresh.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        postId = try container.decode(String.self, forKey: .postId)
        metric = try container.decode(Metric.self, forKey: .metric)
        actor = try container.decode(String.self, forKey: .actor)
        fresh = try container.decodeIfPresent(Bool.self, forKey: .fresh) ?? false
    }

    /// A fresh, empty account counts this much of a person: likes bought from throwaway accounts
    /// are not an audience.
    public static let freshWeight = 0.1
    /// An account younger than this (when it reacted)…
    public static let freshAge: TimeInterval = 30 * 86400

    /// Fresh and empty: no posts and no followers at all, or younger than `freshAge` with fewer
    /// than 5 posts or no followers. Where the platform does not state a value, it is not held
    /// against the account.
    public static func isFreshAndEmpty(created: Date?, followers: Int?, posts: Int?, at now: Date) -> Bool {
        if posts == 0 && followers == 0 { return true }
        guard let created, now.timeIntervalSince(created) < freshAge else { return false }
        return (posts.map { $0 < 5 } ?? false) || followers == 0
    }
}

/// Everything one read of one source produced: the persona's own posts with the counts the
/// source could see, the audience size if the source states it, and why the source cannot
/// measure what it cannot.
public struct Observation: Sendable {
    public var posts: [Post]
    /// Messages, endorsements, reactions given…: what is not a post.
    public var interactions: [Interaction]
    /// Who reacted to which post, where the source names them.
    public var engagements: [Engagement]
    /// Followers or connections, when the source states them.
    public var audience: Int?
    /// Posts by others that the reader skipped (reposts, boosts): counted for the record only.
    public var skippedReposts: Int
    /// For each metric this source can never measure, the reason, in words an operator reads.
    public var unmeasurable: [Metric: String]
    /// What the reader skipped or repaired to read the source (items without a date, bytes not
    /// valid in the declared encoding, XML errors recovered from), one sentence each, for the
    /// source's status. Empty when the source was read as it is.
    public var notes: [String] = []
    /// When the counts were current, where that is not the moment of the read: an export's date.
    /// The store keeps, for each post, the counts of the most recent observation by this time.
    public var asOf: Date?

    public init(posts: [Post], interactions: [Interaction] = [], engagements: [Engagement] = [], audience: Int? = nil,
                skippedReposts: Int = 0, unmeasurable: [Metric: String] = [:]) {
        self.posts = posts
        self.engagements = engagements
        self.interactions = interactions
        self.audience = audience
        self.skippedReposts = skippedReposts
        self.unmeasurable = unmeasurable
    }
}
