import Foundation
import PersonaModel
import Testing
@testable import PersonaScoring

@Suite struct ScoreModelV0Tests {
    let end = Date(timeIntervalSince1970: 1_780_000_000)
    var start: Date { end.addingTimeInterval(-90 * 86400) }

    func post(_ id: Int, kind: PostKind = .original, replies: Int? = nil, reposts: Int? = nil, likes: Int? = nil,
              daysAgo: Double = 1, tags: [String] = []) -> Post {
        Post(id: "\(id)", createdAt: end.addingTimeInterval(-daysAgo * 86400), kind: kind, text: "p\(id)", tags: tags,
             counts: EngagementCounts(replies: replies, reposts: reposts, likes: likes))
    }

    func score(_ posts: [Post], unmeasurable: [Metric: String] = [:]) -> Score {
        ScoreModelV0.score(.init(network: .blog, posts: posts, unmeasurable: unmeasurable, windowStart: start, windowEnd: end))
    }

    @Test func belowTheMinimumSampleThereIsNoNumber() {
        let result = score((1...4).map { post($0, replies: 10) })
        #expect(result.value == nil)
        #expect(result.status == .insufficientData)
        #expect(result.sample.posts == 4)
        #expect(result.reason?.contains("4 own posts") == true)
    }

    @Test func unmeasuredComponentsAreListedWithTheirReasonAndWeightsRenormalised() throws {
        let result = score((1...6).map { post($0, replies: 4) }, unmeasurable: [.applause: "feeds publish no like counts"])
        let applause = try #require(result.components.first { $0.name == "applause" })
        #expect(!applause.measured && applause.raw == nil && applause.contribution == nil)
        #expect(applause.reason == "feeds publish no like counts")
        let conversation = try #require(result.components.first { $0.name == "conversation" })
        #expect(conversation.weight == 1)
        #expect(conversation.raw == 4)
        // 100 × ln(5) / ln(21), rounded to a tenth.
        #expect(result.value == 52.9)
        #expect(result.status == .ok)
    }

    @Test func selfRepliesAndPostsOutsideTheWindowCountForNothing() {
        var posts = (1...5).map { post($0, replies: 1) }
        posts += (10...30).map { post($0, kind: .selfReply, replies: 500) }
        posts += (40...60).map { post($0, replies: 500, daysAgo: 200) }
        let result = score(posts)
        #expect(result.sample.posts == 5)
        #expect(result.components.first { $0.name == "conversation" }?.raw == 1)
    }

    @Test func oneViralPostCannotCarryTheScore() {
        let steady = score((1...9).map { post($0, replies: 3) })
        let viral = score((1...8).map { post($0, replies: 0) } + [post(9, replies: 100_000)])
        #expect((viral.value ?? 100) < (steady.value ?? 0))
        #expect(viral.components.first { $0.name == "conversation" }?.evidence.first?.count == 100_000)
    }

    /// Docs/scoring.md, "Worked example": the demo blog persona.
    @Test func workedExampleFromTheDocs() throws {
        let comments = [1, 1, 1, 2, 2, 3, 8, 9, 9, 11, 12, 12, 12, 12]
        let result = score(comments.enumerated().map { post($0.offset, replies: $0.element) },
                           unmeasurable: [.amplification: "feeds publish no share or repost counts", .applause: "feeds publish no like counts"])
        let conversation = try #require(result.components.first { $0.name == "conversation" })
        #expect(conversation.raw == 8.5)
        #expect(String(format: "%.2f", conversation.normalized ?? 0) == "73.95")
        #expect(conversation.weight == 1)
        #expect(result.value == 73.9)
        #expect(result.sample == Sample(posts: 14, interactions: 95))
        #expect(result.components.filter { !$0.measured }.map(\.name) == ["amplification", "applause"])
    }

    @Test func deterministicAndBounded() {
        let posts = (1...40).map { post($0, replies: $0 * 37 % 11, reposts: $0 % 5, likes: $0 * 1000, tags: ["t\($0 % 3)"]) }
        let a = score(posts)
        let b = score(posts.reversed())
        #expect(a == b)
        #expect((0...100).contains(a.value ?? -1))
        for component in a.components { #expect((0...100).contains(component.normalized ?? 0)) }
        #expect(a.topics.interests.count == 3)
    }
}
