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

    public init(postId: String, metric: Metric, actor: String) {
        self.postId = postId
        self.metric = metric
        self.actor = actor
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
