import Foundation
import PersonaModel
import PersonaScoring

/// One simulated account: a latent influence (how strongly others respond to, reshare and talk
/// with what it posts) and habits (how often it posts, how many of the people who address it it
/// answers, whether it answers with templates), turned into the posts a source would report.
///
/// Counts are overdispersed: each original draws a quality from Gamma(1.5) (mean 1), so a
/// post's replies, reposts and likes are gamma-mixed Poisson (negative binomial) and correlated
/// with each other, as on real timelines.
struct SimulatedPersona {
    struct Habits {
        var network: SimulatedNetwork
        /// The latent influence: expected responses per original, as a multiple of the network's typical post.
        var influence: Double
        /// The share of the people who addressed the persona that it answers.
        var answerRate: Double
        /// Brands answer with a handful of templates.
        var templated: Bool
        var originals: Int
        var strangerReplies: Int
        var audience: Int
        /// Per topic, a multiplier on the response its posts draw (all 1: no topic effect).
        var topicEffect: [Double]
    }

    static let end = Date(timeIntervalSince1970: 1_780_000_000)
    static let window = 90 * 86400.0
    static let topics = ["t0", "t1", "t2", "t3"]
    static let syllables = ["ka", "lo", "mi", "ter", "san", "vo", "ri", "den", "pa", "lu", "nor", "chi", "be", "sta", "ul", "fen"]
    static let templates = [
        "hi NAME thanks for reaching out please send us a direct message with your order number so we can help",
        "sorry to hear that NAME our team is looking into it please check your inbox for an update soon",
        "thanks NAME we appreciate the feedback and have shared it with the team",
    ]

    var habits: Habits
    var seed: UInt64

    /// Draws a persona's habits; about one in ten is a brand (larger reach, answers a quarter of
    /// the people who address it, with templates, posts twice as much).
    static func draw(_ network: SimulatedNetwork, _ rng: inout Random, topicEffect: [Double] = [1, 1, 1, 1]) -> Habits {
        let brand = rng.chance(0.1)
        let influence = exp(0.9 * rng.normal()) * (brand ? 3 : 1)
        let originals = min(300, 10 + rng.negativeBinomial(mean: 30, dispersion: 1.5)) * (brand ? 2 : 1)
        let audience = Int(exp(6 + 1.2 * log(influence) + 1.5 * rng.normal()))
        return Habits(
            network: network, influence: influence, answerRate: brand ? 0.25 : rng.beta(3, 2.5), templated: brand,
            originals: originals, strangerReplies: rng.negativeBinomial(mean: 12, dispersion: 1), audience: audience,
            topicEffect: topicEffect)
    }

    static func word(_ rng: inout Random) -> String {
        (0..<(1 + rng.below(3))).map { _ in syllables[rng.below(syllables.count)] }.joined()
    }

    static func sentence(_ rng: inout Random) -> String {
        (0..<(6 + rng.below(9))).map { _ in word(&rng) }.joined(separator: " ")
    }

    /// The posts and audience a source would report for this persona's window.
    func input(_ modify: (inout [Post], inout [Engagement], inout Int?, inout Random) -> Void = { _, _, _, _ in }) -> ScoreModel.Input {
        var rng = Random(state: seed)
        let calibration = habits.network.calibration
        var posts: [Post] = []
        func at(_ offset: Double) -> Date { Self.end.addingTimeInterval(-min(Self.window - 60, max(60, offset))) }
        for index in 0..<habits.originals {
            let offset = rng.uniform() * Self.window
            let topic = rng.below(Self.topics.count)
            let mean = habits.influence * rng.gamma(1.5) / 1.5 * habits.topicEffect[topic]
            let replies = rng.poisson(mean * calibration.conversation)
            let counts = EngagementCounts(replies: replies, reposts: rng.poisson(mean * calibration.amplification),
                                          likes: rng.poisson(mean * calibration.applause))
            posts.append(Post(id: "o\(index)", createdAt: at(offset), kind: .original, text: Self.sentence(&rng),
                              tags: [Self.topics[topic]], counts: counts))
            for reply in 0..<replies where rng.chance(habits.answerRate) {
                var text = Self.sentence(&rng)
                if habits.templated {
                    text = Self.templates[rng.below(Self.templates.count)].replacingOccurrences(of: "NAME", with: Self.word(&rng))
                }
                posts.append(Post(id: "a\(index)-\(reply)", createdAt: at(offset - 3600 * (1 + rng.uniform() * 20)), kind: .reply,
                                  text: text, counts: EngagementCounts(replies: rng.poisson(0.3), reposts: 0, likes: rng.poisson(0.7)),
                                  inReplyTo: "them-o\(index)-\(reply)"))
            }
        }
        for index in 0..<habits.strangerReplies {
            posts.append(Post(id: "s\(index)", createdAt: at(rng.uniform() * Self.window), kind: .reply, text: Self.sentence(&rng),
                              counts: EngagementCounts(replies: rng.poisson(0.1), reposts: 0, likes: rng.poisson(0.3 * habits.influence)),
                              inReplyTo: "stranger-\(index)"))
        }
        var engagements: [Engagement] = []
        var audience: Int? = habits.audience
        modify(&posts, &engagements, &audience, &rng)
        if !habits.network.measuresReplies {
            posts = posts.map { var post = $0; post.counts.replies = nil; return post }
        }
        return ScoreModel.Input(
            calibration: calibration, posts: posts, engagements: engagements, audience: audience,
            unmeasurable: habits.network.measuresReplies ? [:] : [.conversation: "an X archive has no reply counts"],
            windowStart: Self.end.addingTimeInterval(-Self.window), windowEnd: Self.end)
    }
}

/// A network as its sources see it: its calibration, whether reply counts are measured and
/// whether engagers are named (Mastodon and Bluesky lookups).
struct SimulatedNetwork {
    var calibration: NetworkCalibration
    var measuresReplies: Bool
    var namesEngagers: Bool
    var name: String { calibration.network.rawValue }
}
