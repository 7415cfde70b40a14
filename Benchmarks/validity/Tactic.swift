import Foundation
import PersonaModel

/// The gaming tactics of the critique, each applied to a real-looking persona. The gain of a
/// tactic is the score with it less the score without it, for the same persona and draws.
enum Tactic: String, CaseIterable {
    case pod = "engagement pod (10 accounts like, 5 repost, 3 reply on every original)"
    case boughtLikes = "200 bought likes on every original"
    case replyBait = "reply-bait (every original a question, 2x the replies, none answered)"
    case sockPuppet = "a second account replies to every original, and is answered"
    case strangerSpam = "60 extra replies to strangers nobody reacts to"
    case templatesForAll = "answering everyone with templates"
    case followers = "100x the followers"
    case selfThreads = "3 self-replies under every original"
    case volume = "posting 4x as often, same behaviour"

    /// The persona's habits as the tactic changes them (only `volume` and `templatesForAll` do).
    func habits(_ habits: SimulatedPersona.Habits) -> SimulatedPersona.Habits {
        var habits = habits
        switch self {
        case .volume:
            habits.originals *= 4
            habits.strangerReplies *= 4
        case .templatesForAll:
            habits.answerRate = 1
            habits.templated = true
        default: break
        }
        return habits
    }

    /// What the tactic adds to the posts a source reports.
    func apply(_ posts: inout [Post], _ engagements: inout [Engagement], _ audience: inout Int?, _ rng: inout Random,
               names: Bool) {
        let originals = posts.indices.filter { posts[$0].kind == .original }
        func named(_ post: String, _ metric: Metric, _ actors: [String]) {
            guard names else { return }
            engagements += actors.map { Engagement(postId: post, metric: metric, actor: $0) }
        }
        switch self {
        case .pod:
            for index in originals {
                posts[index].counts.likes = (posts[index].counts.likes ?? 0) + 10
                posts[index].counts.reposts = (posts[index].counts.reposts ?? 0) + 5
                posts[index].counts.replies = (posts[index].counts.replies ?? 0) + 3
                let id = posts[index].id
                named(id, .applause, (0..<10).map { "pod-\($0)" })
                named(id, .amplification, (0..<5).map { "pod-\($0)" })
                named(id, .conversation, (0..<3).map { "pod-\($0)" })
            }
        case .boughtLikes:
            for index in originals { posts[index].counts.likes = (posts[index].counts.likes ?? 0) + 200 }
        case .replyBait:
            for index in originals {
                posts[index].text += " what do you think?"
                posts[index].counts.replies = 2 * (posts[index].counts.replies ?? 0) + rng.poisson(1)
            }
        case .sockPuppet:
            for index in originals {
                posts[index].counts.replies = (posts[index].counts.replies ?? 0) + 1
                let id = posts[index].id
                named(id, .conversation, ["sock"])
                posts.append(Post(id: "sock-answer-\(id)", createdAt: posts[index].createdAt.addingTimeInterval(600), kind: .reply,
                                  text: SimulatedPersona.sentence(&rng), counts: EngagementCounts(replies: 1, reposts: 0, likes: 1),
                                  inReplyTo: "sock-\(id)"))
            }
        case .strangerSpam:
            for index in 0..<60 {
                posts.append(Post(id: "spam\(index)", createdAt: SimulatedPersona.end.addingTimeInterval(-Double(index + 1) * 3600 * 30),
                                  kind: .reply, text: SimulatedPersona.sentence(&rng), counts: EngagementCounts(replies: 0, reposts: 0, likes: 0),
                                  inReplyTo: "stranger-spam-\(index)"))
            }
        case .followers:
            audience = audience.map { $0 * 100 }
        case .selfThreads:
            for index in originals {
                let parent = posts[index]
                posts[index].counts.replies = (parent.counts.replies ?? 0) + 3
                for part in 0..<3 {
                    posts.append(Post(id: "\(parent.id)-thread\(part)", createdAt: parent.createdAt.addingTimeInterval(Double(part + 1) * 60),
                                      kind: .selfReply, text: SimulatedPersona.sentence(&rng),
                                      counts: EngagementCounts(replies: 0, reposts: 1, likes: 5), inReplyTo: parent.id))
                }
            }
        case .templatesForAll, .volume:
            break
        }
    }
}
