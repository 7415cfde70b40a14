import Foundation
import PersonaModel
import PersonaSources
import Testing
import TestSupport
@testable import PersonaScoring

/// Builds synthetic personas: posts spread over the 90-day window, counts as given.
struct PersonaBuilder {
    static let end = Date(timeIntervalSince1970: 1_780_000_000)
    static let start = end.addingTimeInterval(-90 * 86400)

    var network: Network = .mastodon
    var posts: [Post] = []
    var interactions: [Interaction] = []
    var engagements: [Engagement] = []
    var audience: Int?
    var unmeasurable: [Metric: String] = [:]

    /// `count` originals, one every `every` days back from the window's end.
    mutating func originals(_ count: Int, prefix: String = "o", every: Double = 3, replies: Int? = 0, reposts: Int? = 0,
                            likes: Int? = 0, tags: [String] = []) {
        for index in 0..<count {
            posts.append(Post(
                id: "\(prefix)\(index)", createdAt: Self.end.addingTimeInterval(-(Double(index) * every + 0.5) * 86400),
                kind: .original, text: "", tags: tags, counts: EngagementCounts(replies: replies, reposts: reposts, likes: likes)))
        }
    }

    /// `count` replies to other people.
    mutating func replies(_ count: Int, every: Double = 3, counts: EngagementCounts = EngagementCounts(replies: 0, reposts: 0, likes: 1)) {
        for index in 0..<count {
            posts.append(Post(
                id: "r\(index)", createdAt: Self.end.addingTimeInterval(-(Double(index) * every + 1.5) * 86400),
                kind: .reply, text: "", counts: counts, inReplyTo: "someone-\(index)"))
        }
    }

    func input() -> ScoreModel.Input {
        ScoreModel.Input(calibration: Self.calibration(network), posts: posts, interactions: interactions, engagements: engagements, audience: audience,
                         unmeasurable: unmeasurable, windowStart: Self.start, windowEnd: Self.end)
    }

    func score() -> Score { ScoreModel.score(input()) }

    /// The network's calibration, as its descriptor declares it.
    static func calibration(_ network: Network) -> NetworkCalibration {
        guard let descriptor = SourceRegistry.descriptor(network) else { fatalError("no descriptor for \(network)") }
        return descriptor.calibration
    }
}

extension Score {
    func component(_ name: String) -> Component? { components.first { $0.name == name } }
}

@Suite struct ScoreModelTests {
    @Test func aBroadcasterWithAHugeAudienceScoresBelowASmallAccountThatTalksWithPeople() throws {
        var broadcaster = PersonaBuilder()
        broadcaster.originals(30, replies: 40, reposts: 150, likes: 900)
        broadcaster.audience = 1_000_000
        var talker = PersonaBuilder()
        talker.originals(15, every: 6, replies: 3, reposts: 1, likes: 6)
        talker.replies(15, every: 6)
        talker.audience = 300
        let loud = broadcaster.score(), kind = talker.score()
        let loudResponsiveness = try #require(loud.component("responsiveness")?.normalized)
        let kindResponsiveness = try #require(kind.component("responsiveness")?.normalized)
        #expect(loudResponsiveness == 0)
        #expect(kindResponsiveness > 50)
        #expect(try #require(kind.value) > #require(loud.value))
        // The broadcaster's reach counts half: it answers no one.
        #expect(loud.component("conversation")?.factor == 0.5)
    }

    @Test func addingFollowersAloneBarelyMovesTheScore() throws {
        var persona = PersonaBuilder()
        persona.originals(20, replies: 2, reposts: 1, likes: 4)
        persona.replies(10)
        persona.audience = 500
        let small = try #require(persona.score().value)
        persona.audience = 1000
        let doubled = try #require(persona.score().value)
        persona.audience = 500_000
        let thousandfold = try #require(persona.score().value)
        #expect(doubled - small <= 0.5)
        #expect(thousandfold - small <= 4)
        #expect(thousandfold >= small)
        let audience = try #require(persona.score().component("audience"))
        #expect(audience.weight <= NetworkCalibration.audienceWeightCap)
    }

    @Test func oneViralPostMovesTheScoreFarLessThanConsistentEngagement() throws {
        var base = PersonaBuilder()
        base.originals(20, replies: 1, reposts: 0, likes: 2)
        var viral = base
        viral.posts[0].counts = EngagementCounts(replies: 5000, reposts: 20_000, likes: 100_000)
        var consistent = PersonaBuilder()
        consistent.originals(20, replies: 4, reposts: 3, likes: 10)
        let baseline = try #require(base.score().value)
        let viralGain = try #require(viral.score().value) - baseline
        let consistentGain = try #require(consistent.score().value) - baseline
        #expect(viralGain >= 0)
        #expect(viralGain * 4 < consistentGain)
        // The viral post leads the depth evidence, yet the t factor does not move.
        #expect(viral.score().component("depth")?.raw == base.score().component("depth")?.raw)
        #expect(viral.score().component("depth")?.evidence.first?.postId == "o0")
    }

    @Test func aPodOfTenAccountsLikingEverythingIsCapped() throws {
        var control = PersonaBuilder()
        control.originals(20, replies: nil, reposts: nil, likes: nil)
        for post in control.posts {
            control.engagements += (0..<2).map { Engagement(postId: post.id, metric: .applause, actor: "fan-\(post.id)-\($0)") }
        }
        var pod = control
        for post in pod.posts {
            pod.engagements += (0..<10).map { Engagement(postId: post.id, metric: .applause, actor: "pod-\($0)") }
        }
        var crowd = control
        for post in crowd.posts {
            crowd.engagements += (0..<10).map { Engagement(postId: post.id, metric: .applause, actor: "crowd-\(post.id)-\($0)") }
        }
        let controlApplause = try #require(control.score().component("applause")?.raw)
        let podApplause = try #require(pod.score().component("applause")?.raw)
        let crowdApplause = try #require(crowd.score().component("applause")?.raw)
        #expect(controlApplause == 2)
        // Ten pod accounts on twenty posts count as ten people in the window: half a like per post.
        #expect(abs(podApplause - 2.5) < 1e-9)
        #expect(crowdApplause == 12)
        #expect(pod.score().component("applause")?.reason.contains("each counted once in the window") == true)
    }

    @Test func selfRepliesCountForNothing() throws {
        var quiet = PersonaBuilder()
        quiet.originals(12, replies: 0, reposts: 1, likes: 3)
        var threaded = PersonaBuilder()
        threaded.originals(12, replies: 2, reposts: 1, likes: 3)
        for post in threaded.posts {
            for index in 0..<2 {
                threaded.posts.append(Post(id: "\(post.id)-self\(index)", createdAt: post.createdAt.addingTimeInterval(60), kind: .selfReply,
                                           text: "", counts: EngagementCounts(replies: 0, reposts: 5, likes: 50), inReplyTo: post.id))
            }
        }
        let plain = quiet.score(), thread = threaded.score()
        #expect(thread.value == plain.value)
        // The same sample but for the self-replies it says it left out.
        var spelled = plain.sample
        spelled.selfRepliesLeftOut = thread.sample.selfRepliesLeftOut
        #expect(thread.sample == spelled)
        #expect(plain.sample.selfRepliesLeftOut == 0 && (thread.sample.selfRepliesLeftOut ?? 0) > 0)
        #expect(thread.component("conversation")?.raw == 0)
        #expect(thread.component("conversation")?.reason.contains("24 of the persona's own replies removed") == true)
    }

    @Test func aTopicPostedOftenButIgnoredIsAnInterestNotExpertise() throws {
        var persona = PersonaBuilder()
        persona.originals(8, prefix: "books", replies: 0, reposts: 0, likes: 0, tags: ["books"])
        persona.originals(4, prefix: "rust", every: 5, replies: 6, reposts: 4, likes: 20, tags: ["rust"])
        persona.originals(10, prefix: "misc", every: 7, replies: 1, reposts: 0, likes: 2)
        persona.posts.append(Post(id: "once", createdAt: PersonaBuilder.end.addingTimeInterval(-86400), kind: .original, text: "",
                                  tags: ["cats"], counts: EngagementCounts(replies: 50, reposts: 50, likes: 500)))
        let topics = persona.score().topics
        #expect(topics.interests.contains("books"))
        #expect(!topics.expertise.contains("books"))
        #expect(topics.expertise == ["rust"])
        let rust = try #require(topics.details.first { $0.topic == "rust" })
        #expect(rust.evidence.count == 3 && rust.medianResponse == 30)
        let books = try #require(topics.details.first { $0.topic == "books" })
        #expect(books.posts == 8 && books.medianResponse == 0)
        #expect(!topics.interests.contains("cats") && !topics.expertise.contains("cats"))
    }

    @Test func componentsNoSourceCanMeasureAreListedAndTheScoreStaysInRange() throws {
        var persona = PersonaBuilder()
        persona.network = .linkedin
        persona.originals(12, replies: nil, reposts: nil, likes: nil)
        persona.replies(6, counts: EngagementCounts())
        persona.audience = 800
        persona.unmeasurable = [
            .conversation: "a LinkedIn export records no comments received",
            .amplification: "a LinkedIn export records no reposts received",
            .applause: "a LinkedIn export has no reactions received",
        ]
        let score = persona.score()
        for name in ["conversation", "amplification", "applause", "depth"] {
            let component = try #require(score.component(name))
            #expect(!component.measured && component.normalized == nil && component.contribution == nil && component.weight == 0)
            #expect(!component.reason.isEmpty)
        }
        #expect(score.component("applause")?.reason == "a LinkedIn export has no reactions received")
        #expect(score.component("recognition")?.measured == true)
        let weights = score.components.filter(\.measured).map(\.weight).reduce(0, +)
        #expect(abs(weights - 1) < 1e-9)
        let value = try #require(score.value)
        #expect(value >= 0 && value <= 100)
        #expect(try #require(score.component("audience")).weight <= 0.1 + 1e-12)
        // Conversation, amplification, applause and depth (0.58 of the model) cannot be measured.
        #expect(score.coverage == 0.42)
    }

    @Test func belowTheMinimumSampleThereIsNoNumber() {
        var persona = PersonaBuilder()
        persona.originals(9, replies: 10, reposts: 10, likes: 10)
        let score = persona.score()
        #expect(score.value == nil)
        #expect(score.status == .insufficientData)
        #expect(score.sample.posts == 9 && score.sample.interactions == 270)
        #expect(score.reason == "9 own posts in the window (self-replies not counted); at least 10 are needed")
    }

    @Test func answeredMessagesAndRecognitionAreMeasuredFromInteractions() throws {
        var persona = PersonaBuilder()
        persona.network = .linkedin
        persona.originals(10, replies: nil, reposts: nil, likes: nil)
        let end = PersonaBuilder.end
        func at(_ hoursAgo: Double) -> Date { end.addingTimeInterval(-hoursAgo * 3600) }
        persona.interactions = [
            Interaction(id: "m1", kind: .messageReceived, at: at(100), counterpart: "a", thread: "t1"),
            Interaction(id: "m2", kind: .messageSent, at: at(94), counterpart: "a", thread: "t1"),
            Interaction(id: "m3", kind: .messageReceived, at: at(50), counterpart: "b", thread: "t2"),
            Interaction(id: "e1", kind: .endorsementReceived, at: at(10), counterpart: "c"),
            Interaction(id: "e2", kind: .endorsementReceived, at: at(9), counterpart: "c"),
            Interaction(id: "r1", kind: .recommendationReceived, at: at(8), counterpart: "d"),
            Interaction(id: "old", kind: .endorsementReceived, at: at(24 * 200), counterpart: "e"),
        ]
        let score = persona.score()
        let responsiveness = try #require(score.component("responsiveness"))
        // Posts: 0 of 10 answer others (share 0). Messages: 1 of 2 threads answered after 6 h,
        // credit 0.5 × 24 / (24 + 6) = 0.4. Raw = mean(0, 0.4) = 0.2.
        #expect(abs(try #require(responsiveness.raw) - 0.2) < 1e-12)
        #expect(responsiveness.reason.contains("1 of 2 message threads answered, median answer time 6 h"))
        #expect(responsiveness.evidence.contains { $0.postId == "t1" && $0.count == 360 })
        // One endorser (twice) and one recommender: 1 + 2.
        #expect(score.component("recognition")?.raw == 3)
    }
}

@Suite struct ScoreModelPropertyTests {
    static let rounds = Int(ProcessInfo.processInfo.environment["PERSONAD_PROPERTY_ROUNDS"] ?? "") ?? 300

    /// An arbitrary persona: any network, any mix of kinds, counts (some unmeasured, some huge,
    /// some negative as a broken source might report), engagers, interactions and audience.
    static func arbitrary(_ rng: inout SplitMix) -> PersonaBuilder {
        var persona = PersonaBuilder()
        persona.network = SourceRegistry.networks.randomElement(using: &rng)?.network ?? .x
        func count() -> Int? {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: nil
            case 1: Int.random(in: 1_000...10_000_000, using: &rng)
            case 2: -Int.random(in: 1...5, using: &rng)
            default: Int.random(in: 0...30, using: &rng)
            }
        }
        let total = Int.random(in: 0...60, using: &rng)
        for index in 0..<total {
            let kind = [PostKind.original, .original, .reply, .selfReply].randomElement(using: &rng) ?? .original
            let parent = kind == .original ? nil : (Bool.random(using: &rng) ? "p\(Int.random(in: 0..<max(1, total), using: &rng))" : "elsewhere")
            persona.posts.append(Post(
                id: "p\(index)", createdAt: PersonaBuilder.end.addingTimeInterval(-Double.random(in: -86400...(120 * 86400), using: &rng)),
                kind: kind, text: "", tags: Bool.random(using: &rng) ? [["a", "b", "c"].randomElement(using: &rng) ?? "a"] : [],
                counts: EngagementCounts(replies: count(), reposts: count(), likes: count()), inReplyTo: parent))
        }
        for _ in 0..<Int.random(in: 0...40, using: &rng) where total > 0 {
            persona.engagements.append(Engagement(
                postId: "p\(Int.random(in: 0..<total, using: &rng))",
                metric: [Metric.conversation, .amplification, .applause].randomElement(using: &rng) ?? .applause,
                actor: "u\(Int.random(in: 0..<8, using: &rng))"))
        }
        for index in 0..<Int.random(in: 0...10, using: &rng) {
            persona.interactions.append(Interaction(
                id: "i\(index)", kind: Interaction.Kind.allCases.randomElement(using: &rng) ?? .messageReceived,
                at: PersonaBuilder.end.addingTimeInterval(-Double.random(in: 0...(100 * 86400), using: &rng)),
                counterpart: "c\(Int.random(in: 0..<3, using: &rng))",
                thread: Bool.random(using: &rng) ? "t\(Int.random(in: 0..<3, using: &rng))" : nil))
        }
        persona.audience = Bool.random(using: &rng) ? Int.random(in: 0...100_000_000, using: &rng) : nil
        if Bool.random(using: &rng) { persona.unmeasurable[.responsiveness] = "not seen" }
        return persona
    }

    @Test func everyComponentAndTheScoreStayIn0To100() {
        var rng = SplitMix(state: 1)
        var withNumber = 0
        for _ in 0..<Self.rounds {
            let score = Self.arbitrary(&rng).score()
            if score.value != nil { withNumber += 1 }
            for component in score.components {
                if let normalized = component.normalized { #expect(normalized >= 0 && normalized <= 100, "\(component.name)") }
                if let contribution = component.contribution { #expect(contribution >= 0 && contribution <= 100, "\(component.name)") }
                #expect(component.weight >= 0 && component.weight <= 1)
                #expect(component.factor >= 0.5 && component.factor <= 1)
                #expect(component.measured == (component.normalized != nil))
            }
            if let value = score.value { #expect(value >= 0 && value <= 100) }
            let measured = score.components.filter(\.measured)
            if !measured.isEmpty { #expect(abs(measured.map(\.weight).reduce(0, +) - 1) < 1e-9) }
            if let audience = score.component("audience"), audience.measured, measured.count > 1 {
                #expect(audience.weight <= NetworkCalibration.audienceWeightCap + 1e-12)
            }
        }
        // The arbitrary personas must reach numbers, not only "insufficient data".
        #expect(withNumber > 0 && withNumber >= Self.rounds / 4, "only \(withNumber) of \(Self.rounds) personas got a number")
    }

    @Test func moreRepliesFromOthersNeverLowerConversation() {
        var rng = SplitMix(state: 2)
        var checked = 0
        for _ in 0..<Self.rounds {
            var persona = Self.arbitrary(&rng)
            persona.engagements.removeAll { $0.metric == .conversation } // identified repliers are spread by design
            let before = persona.score().component("conversation")?.normalized
            // A post with a measured count: an unmeasured one becoming measured adds a sample instead.
            let candidates = persona.posts.indices.filter { persona.posts[$0].kind == .original && persona.posts[$0].counts.replies != nil }
            guard let index = candidates.randomElement(using: &rng) else { continue }
            let added = Int.random(in: 1...1000, using: &rng)
            persona.posts[index].counts.replies = (persona.posts[index].counts.replies ?? 0) + added
            let after = persona.score().component("conversation")?.normalized
            if let before {
                #expect((after ?? 0) >= before)
                checked += 1
            }
        }
        #expect(checked > 0 && checked >= Self.rounds / 4, "only \(checked) of \(Self.rounds) cases had a conversation to compare")
    }

    @Test func aNewPersonReplyingNeverLowersConversation() {
        var rng = SplitMix(state: 4)
        var checked = 0
        for round in 0..<Self.rounds {
            var persona = Self.arbitrary(&rng)
            let before = persona.score().component("conversation")?.normalized
            let candidates = persona.posts.filter { $0.kind == .original && $0.counts.replies != nil }
            guard let post = candidates.randomElement(using: &rng) else { continue }
            persona.engagements.append(Engagement(postId: post.id, metric: .conversation, actor: "newcomer-\(round)"))
            let after = persona.score().component("conversation")?.normalized
            if let before {
                #expect((after ?? 0) >= before)
                checked += 1
            }
        }
        #expect(checked > 0 && checked >= Self.rounds / 4, "only \(checked) of \(Self.rounds) cases had a conversation to compare")
    }

    @Test func theScoreIsDeterministicForTheSameInputInAnyOrder() {
        var rng = SplitMix(state: 3)
        var shuffled = 0
        for _ in 0..<Self.rounds {
            var persona = Self.arbitrary(&rng)
            let first = persona.score()
            if persona.posts.count > 1 { shuffled += 1 }
            #expect(persona.score() == first)
            persona.posts.shuffle(using: &rng)
            persona.engagements.shuffle(using: &rng)
            persona.interactions.shuffle(using: &rng)
            #expect(persona.score() == first)
        }
        #expect(shuffled > 0 && shuffled >= Self.rounds / 2, "only \(shuffled) of \(Self.rounds) personas had posts to shuffle")
    }

    @Test func robustStatisticsBehave() {
        #expect(RobustStatistics.trimmedMean([0, 0, 0, 0, 0, 0, 0, 0, 0, 1_000_000]) == 0)
        #expect(RobustStatistics.trimmedMean([1, 2, 3]) == 2)
        #expect(RobustStatistics.tFactor([10, 8, 5, 4, 3]) == 4)
        #expect(RobustStatistics.tFactor([]) == 0)
        for x in stride(from: 0.5, through: 1000, by: 7.5) {
            #expect(RobustStatistics.saturating(2 * x, halfAt: 3) < 2 * RobustStatistics.saturating(x, halfAt: 3))
            #expect(RobustStatistics.saturating(x, halfAt: 3) < 100)
        }
        #expect(RobustStatistics.saturatingShare(1, halfAt: 0.25) == 100)
        #expect(RobustStatistics.logDamped(10_000_000, full: 1_000_000) == 100)
    }

    @Test func everyNetworkHasItsOwnCalibration() {
        for network in SourceRegistry.networks.map(\.network) {
            let calibration = SourceRegistry.descriptor(network)?.calibration
            #expect(calibration != nil, "\(network)")
            #expect(abs((calibration?.weights.total ?? 0) - 1) < 1e-12)
            #expect((calibration?.weights.conversation ?? 0) > (calibration?.weights.applause ?? 1))
        }
    }
}
