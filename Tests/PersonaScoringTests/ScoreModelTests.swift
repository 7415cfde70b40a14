import Foundation
import PersonaModel
import PersonaSources
import Testing
import TestSupport
@testable import PersonaScoring

/// Builds synthetic personas like real accounts: posts spread over the 90-day window, newest
/// first, counts drawn overdispersed (negative binomial around the given means) from a seed.
struct PersonaBuilder {
    static let end = Date(timeIntervalSince1970: 1_780_000_000)
    static let start = end.addingTimeInterval(-90 * 86400)

    var network: Network = .mastodon
    var posts: [Post] = []
    var interactions: [Interaction] = []
    var engagements: [Engagement] = []
    var audience: Int?
    var unmeasurable: [Metric: String] = [:]
    var rng = SplitMix(state: 11)

    /// A negative binomial draw (dispersion 1.5) around `mean`: most posts get little, a few a lot.
    mutating func draw(_ mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        // Gamma(1.5) by summing an exponential and half a chi-square; Poisson by inversion.
        let shape = 1.5
        var gamma = -log(Double.random(in: Double.ulpOfOne..<1, using: &rng))
        let normal = (-2 * log(Double.random(in: Double.ulpOfOne..<1, using: &rng))).squareRoot()
            * cos(2 * .pi * Double.random(in: 0..<1, using: &rng))
        gamma += normal * normal / 2
        let lambda = gamma / shape * mean
        var k = 0, p = Double.random(in: 0..<1, using: &rng)
        let limit = exp(-lambda)
        while p > limit, k < 100_000 { k += 1; p *= Double.random(in: 0..<1, using: &rng) }
        return k
    }

    /// `count` originals, one every `every` days back from the window's end, newest first. With
    /// `spread`, each count is an overdispersed draw around the given mean; otherwise exactly it.
    mutating func originals(_ count: Int, prefix: String = "o", every: Double = 3, replies: Int? = 0, reposts: Int? = 0,
                            likes: Int? = 0, tags: [String] = [], text: String = "a note", spread: Bool = true) {
        for index in 0..<count {
            func value(_ mean: Int?) -> Int? { mean.map { spread ? draw(Double($0)) : $0 } }
            let counts = EngagementCounts(replies: value(replies), reposts: value(reposts), likes: value(likes))
            posts.append(Post(
                id: "\(prefix)\(index)", createdAt: Self.end.addingTimeInterval(-(Double(index) * every + 0.5) * 86400),
                kind: .original, text: "\(text) \(prefix)\(index)", tags: tags, counts: counts))
        }
    }

    /// `count` replies to other people, each with its own words unless `text` makes them a template.
    mutating func replies(_ count: Int, prefix: String = "r", every: Double = 3, text: String? = nil,
                          counts: EngagementCounts = EngagementCounts(replies: 0, reposts: 0, likes: 1)) {
        let words = ["sqlite", "pages", "cache", "index", "thread", "chart", "cores", "write", "ahead", "log", "vacuum", "query"]
        for index in 0..<count {
            let own = (0..<7).map { _ in words[Int.random(in: 0..<words.count, using: &rng)] }.joined(separator: " ")
            posts.append(Post(
                id: "\(prefix)\(index)", createdAt: Self.end.addingTimeInterval(-(Double(index) * every + 1.5) * 86400),
                kind: .reply, text: text ?? "\(own) \(index)", counts: counts, inReplyTo: "someone-\(prefix)\(index)"))
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

/// Formula 2: evidence before numbers.
@Suite struct EvidenceTests {
    @Test func anExportThatCannotSeeOthersGivesNoNumberWhateverThePersonaDid() {
        var persona = PersonaBuilder()
        persona.network = .facebook
        persona.originals(60, every: 1.4, replies: nil, reposts: nil, likes: nil)
        persona.replies(40, every: 2, counts: EngagementCounts())
        persona.audience = 4_900
        persona.unmeasurable = [
            .conversation: "a Facebook export records no comments received", .amplification: "a Facebook export records no shares received",
            .applause: "a Facebook export has no reactions received",
        ]
        let score = persona.score()
        #expect(score.value == nil && score.status == .insufficientData)
        #expect(score.reason?.contains("none of this persona's sources can observe what others did") == true)
        #expect(score.reason?.contains("a Facebook export has no reactions received") == true)
        // What the persona did is still shown.
        #expect(score.component("consistency")?.measured == true && score.component("audience")?.measured == true)
    }

    @Test func repliesNobodyReactsToAreNotEvidenceAndAnIgnoredOriginalDoesNotMakeThemOne() {
        var replier = PersonaBuilder()
        replier.replies(30, every: 3, counts: EngagementCounts(replies: 0, reposts: 0, likes: 0))
        let alone = replier.score()
        #expect(alone.value == nil)
        #expect(alone.reason?.contains("no original posts in the window") == true)
        replier.originals(1, replies: 0, reposts: 0, likes: 0, spread: false)
        let withOriginal = replier.score()
        #expect(withOriginal.value == nil)
        #expect(withOriginal.reason?.hasPrefix("nothing others did was observed in the window") == true)
    }

    @Test func selfControlledPartsCarryNoWeight() throws {
        var persona = PersonaBuilder()
        persona.originals(24, replies: 2, reposts: 1, likes: 4)
        persona.replies(10)
        persona.audience = 300
        let small = try #require(persona.score().value)
        persona.audience = 3_000_000
        #expect(try #require(persona.score().value) == small)
        for name in ["consistency", "audience"] {
            let component = try #require(persona.score().component(name))
            #expect(component.measured && component.weight == 0 && component.contribution == 0)
            #expect(component.reason.contains("shown, not scored"))
        }
        let scored = persona.score().components.filter { $0.weight > 0 }
        #expect(abs(scored.map(\.weight).reduce(0, +) - 1) < 1e-9)
        #expect(Set(scored.map(\.name)) == ["conversation", "amplification", "applause", "depth"])
    }

    @Test func aBrandThatAnswersWithTemplatesScoresBelowAnExpertWhoAnswersPeople() throws {
        var brand = PersonaBuilder()
        brand.originals(60, every: 1.4, replies: 8, reposts: 4, likes: 40)
        // It answers about a quarter of its ~480 repliers, with one text.
        brand.replies(120, every: 0.7, text: "Hi there, sorry to hear that! Please DM us your order number so we can help.",
                      counts: EngagementCounts(replies: 0, reposts: 0, likes: 1))
        var expert = PersonaBuilder()
        expert.originals(20, every: 4, replies: 3, reposts: 1, likes: 6)
        expert.replies(45, every: 2)
        let b = brand.score(), e = expert.score()
        let brandResponsiveness = try #require(b.component("responsiveness"))
        #expect(brandResponsiveness.reason.contains("120 near-identical replies counted as 1 answers"))
        #expect(try #require(e.component("responsiveness")?.normalized) > #require(brandResponsiveness.normalized))
        #expect(try #require(e.value) > #require(b.value))
        #expect(try #require(b.component("conversation")?.factor) < 0.65)
    }

    @Test func repliesToStrangersNobodyReactsToDoNotRaiseResponsiveness() throws {
        var persona = PersonaBuilder()
        persona.originals(20, replies: 3, reposts: 1, likes: 5)
        persona.replies(12)
        let before = try #require(persona.score().component("responsiveness")?.raw)
        persona.replies(60, prefix: "spam", every: 1.4, counts: EngagementCounts(replies: 0, reposts: 0, likes: 0))
        let after = try #require(persona.score().component("responsiveness")?.raw)
        #expect(after == before)
    }

    @Test func oneViralPostMovesTheScoreFarLessThanBroadEngagement() throws {
        var base = PersonaBuilder()
        base.originals(20, replies: 1, reposts: 1, likes: 3)
        var viral = base
        viral.posts[3].counts = EngagementCounts(replies: 5000, reposts: 20_000, likes: 100_000)
        var broad = PersonaBuilder()
        broad.originals(20, replies: 4, reposts: 3, likes: 10)
        let baseline = try #require(base.score().value)
        let viralGain = try #require(viral.score().value) - baseline
        let broadGain = try #require(broad.score().value) - baseline
        // Its replies raise conversation a little; its thousands of unanswered repliers (25 counted)
        // lower the answered share a little: either way, far less than broad engagement.
        #expect(try #require(viral.score().component("conversation")?.normalized) >= #require(base.score().component("conversation")?.normalized))
        #expect(abs(viralGain) * 4 < broadGain, "viral \(viralGain), broad +\(broadGain)")
        #expect(viral.score().component("conversation")?.evidence.first?.postId == "o3")
    }

    @Test func namedEngagersCountOnceAndAPodStaysASmallGroup() throws {
        var control = PersonaBuilder()
        control.originals(20, replies: nil, reposts: nil, likes: nil)
        for post in control.posts {
            let fans = control.draw(3)
            control.engagements += (0..<fans).map { Engagement(postId: post.id, metric: .applause, actor: "fan-\(post.id)-\($0)") }
        }
        var pod = control, crowd = control
        for post in control.posts {
            pod.engagements += (0..<10).map { Engagement(postId: post.id, metric: .applause, actor: "pod-\($0)") }
            crowd.engagements += (0..<10).map { Engagement(postId: post.id, metric: .applause, actor: "crowd-\(post.id)-\($0)") }
        }
        let controlApplause = try #require(control.score().component("applause")?.normalized)
        let podApplause = try #require(pod.score().component("applause")?.normalized)
        let crowdApplause = try #require(crowd.score().component("applause")?.normalized)
        // Ten pod accounts on twenty posts are ten people in the window: half a like per post.
        #expect(podApplause - controlApplause < 8)
        #expect(crowdApplause - controlApplause > 20)
        #expect(pod.score().component("applause")?.reason.contains("each counted once in the window") == true)
    }

    @Test func freshEmptyAccountsCountATenthOfAPerson() throws {
        #expect(Engagement.isFreshAndEmpty(created: nil, followers: 0, posts: 0, at: PersonaBuilder.end))
        #expect(Engagement.isFreshAndEmpty(created: PersonaBuilder.end.addingTimeInterval(-86400 * 3), followers: 12, posts: 2, at: PersonaBuilder.end))
        #expect(!Engagement.isFreshAndEmpty(created: PersonaBuilder.end.addingTimeInterval(-86400 * 3), followers: 12, posts: 40, at: PersonaBuilder.end))
        #expect(!Engagement.isFreshAndEmpty(created: PersonaBuilder.end.addingTimeInterval(-86400 * 300), followers: 0, posts: 3, at: PersonaBuilder.end))
        #expect(!Engagement.isFreshAndEmpty(created: nil, followers: nil, posts: nil, at: PersonaBuilder.end))

        var people = PersonaBuilder()
        people.originals(15, replies: 2, reposts: 1, likes: nil)
        var bought = people
        for post in people.posts {
            people.engagements += (0..<30).map { Engagement(postId: post.id, metric: .applause, actor: "person-\(post.id)-\($0)") }
            bought.engagements += (0..<30).map { Engagement(postId: post.id, metric: .applause, actor: "bought-\(post.id)-\($0)", fresh: true) }
        }
        let real = try #require(people.score().component("applause")?.normalized)
        let fake = try #require(bought.score().component("applause")?.normalized)
        #expect(real - fake > 25, "real \(real), bought \(fake)")
        #expect(people.score().sample.authenticShare == 1 && bought.score().sample.authenticShare == 0)
        #expect(bought.score().component("applause")?.reason.contains("450 of them were fresh, empty accounts") == true)
        #expect(PersonaBuilder().score().sample.authenticShare == nil)
    }

    @Test func anUnnamedBlockThatReactsToEveryPostIsCountedOnce() throws {
        var base = PersonaBuilder()
        base.network = .reddit
        base.originals(25, replies: 1, reposts: 0, likes: 3)
        var pod = base
        for index in pod.posts.indices {
            pod.posts[index].counts.likes = (pod.posts[index].counts.likes ?? 0) + 10
            pod.posts[index].counts.replies = (pod.posts[index].counts.replies ?? 0) + 3
        }
        let applause = try #require(pod.score().component("applause"))
        #expect(applause.reason.contains("counted as a block of"))
        let gain = try #require(pod.score().value) - (try #require(base.score().value))
        #expect(gain < 3, "a pod gained \(gain) points")
        // A popular account with overdispersed counts is not a block.
        var popular = PersonaBuilder()
        popular.network = .reddit
        popular.originals(25, replies: 40, reposts: 2, likes: 300)
        #expect(popular.score().components.allSatisfy { !$0.reason.contains("block") })
    }

    @Test func selfRepliesCountForNothing() throws {
        var quiet = PersonaBuilder()
        quiet.originals(12, replies: 0, reposts: 2, likes: 3)
        var threaded = quiet
        for post in quiet.posts {
            threaded.posts[threaded.posts.firstIndex { $0.id == post.id } ?? 0].counts.replies = 2
            for index in 0..<2 {
                threaded.posts.append(Post(id: "\(post.id)-self\(index)", createdAt: post.createdAt.addingTimeInterval(60), kind: .selfReply,
                                           text: "and more", counts: EngagementCounts(replies: 0, reposts: 5, likes: 50), inReplyTo: post.id))
            }
        }
        let plain = quiet.score(), thread = threaded.score()
        #expect(thread.value == plain.value)
        #expect(plain.sample.selfRepliesLeftOut == 0 && thread.sample.selfRepliesLeftOut == 24)
        #expect(thread.component("conversation")?.reason.contains("24 of the persona's own replies removed") == true)
    }

    @Test func componentsNoSourceCanMeasureAreListedAndOnlyEvidenceIsScored() throws {
        var persona = PersonaBuilder()
        persona.network = .linkedin
        persona.originals(12, replies: nil, reposts: nil, likes: nil)
        persona.replies(6, counts: EngagementCounts())
        persona.audience = 800
        persona.interactions = (0..<6).map {
            Interaction(id: "e\($0)", kind: .endorsementReceived, at: PersonaBuilder.end.addingTimeInterval(-Double($0 + 1) * 86400 * 9),
                        counterpart: "colleague-\($0)")
        }
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
        let recognition = try #require(score.component("recognition"))
        #expect(recognition.measured && recognition.weight == 1 && recognition.raw == 6)
        let value = try #require(score.value)
        #expect(abs(value - 54.5) < 0.05) // S(6, 5) = 54.5; nobody addressed the persona, so the factor is 1
        // Only recognition (0.10 of the scored model) could be measured: the interval widens by 13.5 on each side.
        #expect(score.coverage == 0.1)
        let interval = try #require(score.interval)
        #expect(interval.low <= 41.1 && interval.high >= 67.9)
    }

    @Test func belowTheMinimumSampleThereIsNoNumber() {
        var persona = PersonaBuilder()
        persona.originals(9, replies: 10, reposts: 10, likes: 10, spread: false)
        let score = persona.score()
        #expect(score.value == nil)
        #expect(score.status == .insufficientData)
        #expect(score.sample.posts == 9 && score.sample.interactions == 270)
        #expect(score.reason == "9 own posts in the window (self-replies not counted); at least 10 are needed")
    }

    @Test func aNumberTooUncertainToMeanAnythingIsNotGiven() throws {
        var persona = PersonaBuilder()
        // Ten originals: most ignored, a few drawing long conversations.
        persona.originals(8, replies: 0, reposts: 0, likes: 0, spread: false)
        persona.originals(2, prefix: "hot", replies: 30, reposts: 12, likes: 60, spread: false)
        persona.replies(40, every: 2) // it answers most of the people who replied
        let score = persona.score()
        let interval = try #require(score.interval)
        #expect(interval.width > FormulaTwo.maximumIntervalWidth)
        #expect(score.value == nil)
        #expect(score.reason?.contains("the 90% interval runs from") == true)
    }

    @Test func answeredMessagesMakeResponsivenessAndRecognitionIsCounted() throws {
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
        // Two threads received, one answered after 6 h: credit 24 / (24 + 6) = 0.8 of 2 people,
        // smoothed (0.8 + 1) / (2 + 2) = 0.45.
        #expect(abs(try #require(responsiveness.raw) - 0.45) < 1e-12)
        #expect(responsiveness.weight == 0)
        // One endorser (twice) and one recommender: 1 + 2.
        #expect(score.component("recognition")?.raw == 3)
        #expect(score.component("recognition")?.factor == FormulaTwo.reciprocityFloor + (1 - FormulaTwo.reciprocityFloor) * (responsiveness.normalized ?? 0) / 100)
    }
}

@Suite struct ExpertiseTests {
    @Test func aTopicWhoseOriginalsDrawMoreRepliesAndRepostsIsExpertise() throws {
        var persona = PersonaBuilder()
        persona.originals(10, prefix: "rust", every: 4, replies: 9, reposts: 4, likes: 20, tags: ["rust"])
        persona.originals(20, prefix: "misc", every: 2, replies: 1, reposts: 0, likes: 3, tags: [])
        persona.originals(8, prefix: "books", every: 5, replies: 1, reposts: 0, likes: 2, tags: ["books"])
        let topics = persona.score().topics
        #expect(topics.expertise == ["rust"])
        let rust = try #require(topics.details.first { $0.topic == "rust" })
        #expect((rust.pValue ?? 1) < 0.05 && (rust.effectSize ?? 0) > 0.7)
        #expect(rust.test?.hasPrefix("Mann–Whitney") == true && rust.reason.contains("after correcting for 2 topics"))
        #expect(rust.evidence.count == 3)
        let books = try #require(topics.details.first { $0.topic == "books" })
        #expect(!books.expertise && books.reason.hasSuffix("not clearly more"))
    }

    @Test func likesAloneAndAnswersToOnesOwnQuestionsAreNotExpertise() {
        var persona = PersonaBuilder()
        persona.originals(8, prefix: "cat", replies: 1, reposts: 0, likes: 400, tags: ["cats"])
        persona.originals(8, prefix: "ask", replies: 25, reposts: 0, likes: 2, tags: ["help"], text: "how do I fix this?")
        persona.originals(16, prefix: "misc", every: 2, replies: 1, reposts: 0, likes: 3)
        let topics = persona.score().topics
        #expect(topics.interests.contains("cats") && topics.interests.contains("help"))
        #expect(topics.expertise.isEmpty)
    }

    @Test func aPersonaPostingOnOneTopicIsComparedWithItsNetwork() throws {
        var persona = PersonaBuilder()
        persona.originals(14, prefix: "db", every: 5, replies: 12, reposts: 5, likes: 30, tags: ["databases"])
        let topics = persona.score().topics
        let detail = try #require(topics.details.first)
        #expect(detail.test?.hasPrefix("sign test") == true)
        #expect(topics.expertise == ["databases"])
    }

    @Test func withNoTopicEffectFalseExpertiseIsRare() async {
        var rng = SplitMix(state: 5)
        var personas = 0, falseExpertise = 0
        for round in 0..<Self.rounds {
            await Task.yield() // a debug build scores slowly: let the servers and other tests run between rounds
            var persona = PersonaBuilder()
            persona.rng = SplitMix(state: UInt64(round) &+ rng.next())
            let mean = Int.random(in: 1...6, using: &rng)
            for topic in ["a", "b", "c", "d"] {
                persona.originals(Int.random(in: 4...10, using: &rng), prefix: topic, every: 2, replies: mean, reposts: mean / 2,
                                  likes: mean * 3, tags: [topic])
            }
            personas += 1
            if !persona.score().topics.expertise.isEmpty { falseExpertise += 1 }
        }
        #expect(personas == Self.rounds && personas > 0)
        #expect(Double(falseExpertise) <= 0.1 * Double(personas), "\(falseExpertise) of \(personas) null personas got expertise")
    }

    static let rounds = Int(ProcessInfo.processInfo.environment["PERSONAD_PROPERTY_ROUNDS"] ?? "") ?? 200
}

@Suite struct TemplateReplyTests {
    @Test func aTemplateSentToManyPeopleIsOneAnswer() {
        let texts = [
            "Hi @sam, sorry for the trouble! Please DM us your order number so we can help.",
            "Hi @alex, sorry for the trouble! Please DM us your order number so we can help.",
            "Hi Robin, sorry for the trouble! Please DM us your order 12345 so we can help.",
            "thanks for the kind words",
            "thanks for the link",
            "Thanks!", "thanks", "", "",
        ]
        let groups = TemplateReplies.groups(texts)
        #expect(groups[0] == groups[1] && groups[1] == groups[2])
        #expect(groups[3] != groups[4])
        #expect(groups[5] == groups[6])
        #expect(groups[7] != groups[8]) // empty texts say nothing
        #expect(Set(groups).count == 6)
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
                kind: kind, text: ["", "thanks!", "a longer answer about \(index % 4) things", "why?"].randomElement(using: &rng) ?? "",
                tags: Bool.random(using: &rng) ? [["a", "b", "c"].randomElement(using: &rng) ?? "a"] : [],
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

    @Test func everyNumberStaysIn0To100WithItsIntervalAroundIt() async {
        var rng = SplitMix(state: 1)
        var withNumber = 0
        for _ in 0..<Self.rounds {
            await Task.yield() // a debug build scores slowly: let the servers and other tests run between rounds
            let score = Self.arbitrary(&rng).score()
            if score.value != nil { withNumber += 1 }
            for component in score.components {
                if let normalized = component.normalized { #expect(normalized >= 0 && normalized <= 100, "\(component.name)") }
                if let contribution = component.contribution { #expect(contribution >= 0 && contribution <= 100, "\(component.name)") }
                #expect(component.weight >= 0 && component.weight <= 1)
                #expect(component.factor >= FormulaTwo.reciprocityFloor && component.factor <= 1)
                #expect(component.measured == (component.normalized != nil))
                if let interval = component.interval, let normalized = component.normalized {
                    #expect(interval.low <= normalized + 0.05 && normalized <= interval.high + 0.05 && interval.low >= 0 && interval.high <= 100)
                }
            }
            if let value = score.value {
                #expect(value >= 0 && value <= 100)
                let interval = score.interval
                #expect(interval != nil)
                if let interval { #expect(interval.low <= value + 0.05 && value <= interval.high + 0.05 && interval.width <= FormulaTwo.maximumIntervalWidth) }
                // The printed points add up to the number.
                let points = score.components.compactMap(\.contribution).reduce(0, +)
                #expect(abs(points - value) <= 0.05 + 1e-9)
                #expect(abs(score.components.filter { $0.weight > 0 }.map(\.weight).reduce(0, +) - 1) < 1e-9)
            }
        }
        // The arbitrary personas must reach numbers, not only "insufficient data".
        #expect(withNumber > 0 && withNumber >= Self.rounds / 5, "only \(withNumber) of \(Self.rounds) personas got a number")
    }

    /// More replies on a post never lower conversation, except where the added replies complete
    /// the pattern of an unnamed block (every original reached a floor): by design, a block counts once.
    @Test func moreRepliesFromOthersNeverLowerConversation() async {
        var rng = SplitMix(state: 2)
        var checked = 0, blocks = 0
        for _ in 0..<Self.rounds {
            await Task.yield() // a debug build scores slowly: let the servers and other tests run between rounds
            var persona = Self.arbitrary(&rng)
            persona.engagements.removeAll { $0.metric == .conversation } // identified repliers are spread by design
            let before = persona.score().component("conversation")
            let candidates = persona.posts.indices.filter { persona.posts[$0].kind == .original && persona.posts[$0].counts.replies != nil }
            guard let index = candidates.randomElement(using: &rng) else { continue }
            persona.posts[index].counts.replies = (persona.posts[index].counts.replies ?? 0) + Int.random(in: 1...1000, using: &rng)
            let after = persona.score().component("conversation")
            guard let was = before?.normalized else { continue }
            if (after?.reason ?? "").contains("block") && !(before?.reason ?? "").contains("block") { blocks += 1; continue }
            #expect((after?.normalized ?? 0) >= was)
            checked += 1
        }
        #expect(checked > 0 && checked >= Self.rounds / 4, "only \(checked) of \(Self.rounds) cases had a conversation to compare (\(blocks) blocks)")
    }

    @Test func aNewPersonReplyingNeverLowersConversation() async {
        var rng = SplitMix(state: 4)
        var checked = 0
        for round in 0..<Self.rounds {
            await Task.yield() // a debug build scores slowly: let the servers and other tests run between rounds
            var persona = Self.arbitrary(&rng)
            let before = persona.score().component("conversation")?.normalized
            let candidates = persona.posts.filter { $0.kind == .original && $0.counts.replies != nil }
            guard let post = candidates.randomElement(using: &rng) else { continue }
            persona.engagements.append(Engagement(postId: post.id, metric: .conversation, actor: "newcomer-\(round)"))
            let after = persona.score().component("conversation")?.normalized
            if let before {
                #expect((after ?? 0) >= before - 1e-9)
                checked += 1
            }
        }
        #expect(checked > 0 && checked >= Self.rounds / 4, "only \(checked) of \(Self.rounds) cases had a conversation to compare")
    }

    @Test func theScoreIsDeterministicForTheSameInputInAnyOrder() async {
        var rng = SplitMix(state: 3)
        var shuffled = 0
        for _ in 0..<Self.rounds {
            await Task.yield() // a debug build scores slowly: let the servers and other tests run between rounds
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

    /// Posting more of the same behaviour narrows the interval; it does not move the score beyond
    /// noise: the intervals of 16 and 80 originals overlap.
    @Test func morePostsOfTheSameBehaviourNarrowTheIntervalAndKeepTheScore() async throws {
        var rng = SplitMix(state: 6)
        var narrower = 0, within = 0, compared = 0
        for round in 0..<max(1, Self.rounds / 10) {
            await Task.yield() // a debug build scores slowly: let the servers and other tests run between rounds
            let mean = Int.random(in: 1...5, using: &rng)
            func persona(_ count: Int, seed: UInt64) -> Score {
                var persona = PersonaBuilder()
                persona.rng = SplitMix(state: seed)
                persona.originals(count, every: 88.0 / Double(count), replies: mean, reposts: mean, likes: 3 * mean)
                persona.replies(count / 2, every: 88.0 / Double(count / 2))
                return persona.score()
            }
            let few = persona(16, seed: UInt64(round) * 2 + 1), many = persona(80, seed: UInt64(round) * 2 + 2)
            guard let a = few.interval, let b = many.interval, let fewValue = few.value, let manyValue = many.value else { continue }
            compared += 1
            if b.width < a.width { narrower += 1 }
            // Two windows of the same behaviour agree when their intervals overlap.
            if a.low <= b.high && b.low <= a.high && abs(fewValue - manyValue) <= a.width + b.width { within += 1 }
        }
        #expect(compared > 0 && compared >= max(1, Self.rounds / 10) / 2)
        #expect(Double(narrower) >= 0.9 * Double(compared), "narrower in \(narrower) of \(compared)")
        #expect(Double(within) >= 0.8 * Double(compared), "within in \(within) of \(compared)")
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
        // The tests behind expertise and blocks, against values computed by hand.
        #expect(abs(Statistics.binomialUpperTail(successes: 9, trials: 10) - 11.0 / 1024) < 1e-12)
        #expect(abs(Statistics.upperNormalTail(1.6448536) - 0.05) < 1e-6)
        #expect(abs(BlockDetection.chiSquareLowerTail(2, degrees: 2) - (1 - exp(-1))) < 1e-9)
        #expect(abs(BlockDetection.poissonAtLeast(2, mean: 1) - (1 - 2 * exp(-1))) < 1e-12)
        let test = Statistics.mannWhitneyGreater([5, 6, 7], [1, 2, 3])
        #expect(test.effect == 1 && test.p < 0.05)
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
