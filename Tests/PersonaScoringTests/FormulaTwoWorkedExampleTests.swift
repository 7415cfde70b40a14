import Foundation
import PersonaModel
import PersonaSources
import Testing
import TestSupport
@testable import PersonaScoring

/// The worked example of Docs/scoring.md (formula 2), reproduced to the digit the document shows.
@Suite struct FormulaTwoWorkedExampleTests {
    static let end = Date(timeIntervalSince1970: 1_780_000_000)
    static func day(_ daysAgo: Double) -> Date { end.addingTimeInterval(-daysAgo * 86400) }

    static func example() -> ScoreModel.Input {
        // Ten originals, one a week, newest first as the timeline returns them; the oldest drew
        // 12 replies, two of them the persona's own self-replies.
        let originals: [(replies: Int, reposts: Int, likes: Int)] = [
            (0, 0, 1), (1, 0, 3), (3, 1, 4), (0, 0, 0), (2, 1, 6), (5, 2, 9), (1, 0, 2), (4, 3, 7), (0, 1, 2), (12, 5, 40),
        ]
        var posts = originals.enumerated().map { index, post in
            Post(id: "o\(index + 1)", createdAt: day(Double(7 * index + 2)), kind: .original, text: "note \(index + 1)",
                 tags: index < 4 ? ["sqlite"] : [], counts: EngagementCounts(replies: post.replies, reposts: post.reposts, likes: post.likes))
        }
        // Six answers to people who replied (five drew a reaction, one did not), one reply to a stranger nobody reacted to.
        let answers: [(days: Double, text: String, replies: Int, likes: Int)] = [
            (3, "yes, the WAL file is checkpointed on close", 0, 1),
            (10, "I measured it with a cold cache, the numbers are in the post", 1, 1),
            (17, "good catch, the index was missing; fixed now", 0, 2),
            (31, "it depends on the page size; I used the default", 0, 0),
            (38, "thank you, and the second chart is per core", 0, 1),
            (52, "the script is linked at the end of the post", 0, 1),
            (60, "interesting thread, I have seen the same", 0, 0),
        ]
        for (index, answer) in answers.enumerated() {
            posts.append(Post(id: "r\(index + 1)", createdAt: day(answer.days), kind: .reply, text: answer.text,
                              counts: EngagementCounts(replies: answer.replies, reposts: 0, likes: answer.likes),
                              inReplyTo: index == 6 ? "elsewhere" : "their-reply-\(index)"))
        }
        for index in 1...2 {
            posts.append(Post(id: "s\(index)", createdAt: day(64.9), kind: .selfReply, text: "more \(index)",
                              counts: EngagementCounts(replies: 0, reposts: 0, likes: 3), inReplyTo: "o10"))
        }
        return ScoreModel.Input(calibration: PersonaBuilder.calibration(.mastodon), posts: posts.reversed(), audience: 420,
                                windowStart: day(90), windowEnd: end)
    }

    @Test func workedExampleFromTheDocs() throws {
        let score = ScoreModel.score(Self.example())
        let table = Dictionary(uniqueKeysWithValues: score.components.map { ($0.name, $0) })
        let expected: [WorkedRow] = [
            ("conversation", "1.625", "61.90", "0.4444", "0.8264", "22.74"),
            ("amplification", "1.000", "50.00", "0.2778", "0.8264", "11.48"),
            ("applause", "3.406", "63.01", "0.1111", "0.8264", "5.79"),
            ("depth", "0.800", "95.24", "0.1667", "0.8264", "13.12"),
            ("responsiveness", "0.207", "56.60", "0.0000", "1.0000", "0.00"),
            ("consistency", "0.769", "94.34", "0.0000", "1.0000", "0.00"),
            ("audience", "420.000", "52.49", "0.0000", "1.0000", "0.00"),
        ]
        try expectRows(table, expected)
        #expect(table["recognition"]?.measured == false)
        #expect(table["conversation"]?.reason.contains("over 10 originals: 2; shrunk toward the network's typical post by 6 posts at 1: "
                                                         + "(10 × 2 + 6 × 1) / 16 = 1.62; S(1.62, 1) = 61.9") == true)
        #expect(table["conversation"]?.reason.contains("2 of the persona's own replies removed") == true)
        #expect(table["applause"]?.reason.contains("over 10 originals: 4.25;") == true)
        #expect(table["depth"]?.reason.hasPrefix("8 of 10 originals (80%) drew a reply or repost") == true)
        #expect(table["responsiveness"]?.reason.contains("answers 5 to 27 people who addressed the persona") == true)
        #expect(table["responsiveness"]?.reason.contains("share (5 + 1) / (27 + 2) = 0.21; T(0.21, 0.25) = 56.6; factor 0.6 + 0.4 × 56.6 / 100 = 0.83") == true)
        #expect(score.value == 53.1)
        // The bootstrap's 5th and 95th percentiles, 2 points wider on each side: no source names who reacted.
        #expect(score.interval == Interval(low: 41.2, high: 64.2))
        #expect(table["conversation"]?.interval == Interval(low: 46.0, high: 76.7))
        #expect(table["responsiveness"]?.interval == Interval(low: 39.7, high: 77.8)) // not a scored part: not widened
        #expect(score.coverage == 1) // everything Mastodon can show
        #expect(score.sample == Sample(posts: 17, interactions: 120, originals: 10, replies: 7, selfRepliesLeftOut: 2, reactions: 120,
                                       messagesReceived: 0, endorsementsReceived: 0, recommendationsReceived: 0, invitationsReceived: 0))
        let points = score.components.compactMap(\.contribution).reduce(0, +)
        #expect(abs(points - 53.12) < 0.01)
        let topic = try #require(score.topics.details.first)
        #expect(topic.topic == "sqlite" && !topic.expertise && topic.medianResponse == 0.5 && topic.baselineResponse == 5)
        #expect(topic.pValue == 0.9676 && topic.effectSize == 0.167)
    }
}
