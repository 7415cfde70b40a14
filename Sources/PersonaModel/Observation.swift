import Foundation

/// The parts of a score that depend on what others did with the persona's posts.
public enum Metric: String, Sendable, Hashable, Codable, CaseIterable {
    case conversation, amplification, applause
}

/// Everything one read of one source produced: the persona's own posts with the counts the
/// source could see, the audience size if the source states it, and why the source cannot
/// measure what it cannot.
public struct Observation: Sendable {
    public var posts: [Post]
    /// Messages, endorsements, reactions given…: what is not a post.
    public var interactions: [Interaction]
    /// Followers or connections, when the source states them.
    public var audience: Int?
    /// Posts by others that the reader skipped (reposts, boosts): counted for the record only.
    public var skippedReposts: Int
    /// For each metric this source can never measure, the reason, in words an operator reads.
    public var unmeasurable: [Metric: String]

    public init(posts: [Post], interactions: [Interaction] = [], audience: Int? = nil, skippedReposts: Int = 0,
                unmeasurable: [Metric: String] = [:]) {
        self.posts = posts
        self.interactions = interactions
        self.audience = audience
        self.skippedReposts = skippedReposts
        self.unmeasurable = unmeasurable
    }
}
