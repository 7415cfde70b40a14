import Foundation

/// Something that happened between the persona and someone else that is not a post: a message,
/// an endorsement, a reaction given. Exports record these where they record no counts; they are
/// what responsiveness and recognition are measured from.
public struct Interaction: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case messageReceived = "message_received"
        case messageSent = "message_sent"
        case reactionGiven = "reaction_given"
        case endorsementReceived = "endorsement_received"
        case recommendationReceived = "recommendation_received"
        case invitationReceived = "invitation_received"
        case invitationSent = "invitation_sent"
    }

    /// Stable across re-reads of the same export, so that reading it twice stores it once.
    public var id: String
    public var kind: Kind
    public var at: Date
    /// Who, where the export says (a name, handle or profile URL).
    public var counterpart: String?
    /// The conversation it belongs to, where there is one (for answer times).
    public var thread: String?

    public init(id: String, kind: Kind, at: Date, counterpart: String? = nil, thread: String? = nil) {
        self.id = id
        self.kind = kind
        self.at = at
        self.counterpart = counterpart
        self.thread = thread
    }
}
