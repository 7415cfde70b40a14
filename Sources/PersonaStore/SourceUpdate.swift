import Foundation
import PersonaModel

/// One source's poll, to be committed: its new state and the posts it read.
public struct SourceUpdate: Sendable {
    public var state: SourceState
    public var posts: [Post]
    public var interactions: [Interaction]
    /// Identified reactions to the persona's posts.
    public var engagements: [Engagement]
    public var observedAt: Date
    /// Posts staged for this source during its read (`Store.stage`) are to be kept with this update.
    public var promoteStaged: Bool
    /// Only the state's times and HTTP status moved (a 304, typically): the row is updated in
    /// place rather than rewritten.
    public var timesOnly = false

    public init(state: SourceState, posts: [Post], interactions: [Interaction] = [], engagements: [Engagement] = [],
                observedAt: Date, promoteStaged: Bool = false) {
        self.engagements = engagements
        self.state = state
        self.posts = posts
        self.interactions = interactions
        self.observedAt = observedAt
        self.promoteStaged = promoteStaged
    }
}
