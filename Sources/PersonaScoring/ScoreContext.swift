import Foundation
import PersonaModel

/// The input, cut to the window and indexed once for all components (both formulas read it).
struct ScoreContext {
    /// A conversation in messages that someone else wrote into.
    struct Thread {
        var id: String
        /// Seconds from the first message received to the persona's first answer after it; `nil` if unanswered.
        var delay: Double?
    }

    let input: ScoreModel.Input
    let calibration: NetworkCalibration
    /// Own posts in the window, self-replies left out, oldest first.
    let own: [Post]
    let originals: [Post]
    /// For each post, how many of the persona's own replies its reply count includes.
    let ownReplies: [String: Int]
    /// Interactions in the window.
    let interactions: [Interaction]
    /// Per metric, per post: the distinct people who reacted.
    let identified: [Metric: [String: [String]]]
    /// Per metric, per person: on how many of the window's posts they reacted.
    let reachOf: [Metric: [String: Int]]
    /// Per metric, the people who were fresh, empty accounts when they reacted.
    let fresh: [Metric: Set<String>]
    let messageThreads: [Thread]
    /// `response(to:)` of each of `own`, computed once.
    var ownResponses: [Double?] = []

    init(_ input: ScoreModel.Input) {
        self.input = input
        calibration = input.calibration
        let window = input.windowStart...max(input.windowStart, input.windowEnd)
        own = input.posts.filter { $0.kind != .selfReply && window.contains($0.createdAt) }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        originals = own.filter { $0.kind == .original }
        var ownReplies: [String: Int] = [:]
        for post in input.posts where post.kind != .original {
            if let parent = post.inReplyTo { ownReplies[parent, default: 0] += 1 }
        }
        self.ownReplies = ownReplies
        interactions = input.interactions.filter { window.contains($0.at) }

        let ids = Set(own.map(\.id))
        var identified: [Metric: [String: Set<String>]] = [:]
        var fresh: [Metric: Set<String>] = [:]
        for engagement in input.engagements where ids.contains(engagement.postId) {
            identified[engagement.metric, default: [:]][engagement.postId, default: []].insert(engagement.actor)
            if engagement.fresh { fresh[engagement.metric, default: []].insert(engagement.actor) }
        }
        self.fresh = fresh
        var reachOf: [Metric: [String: Int]] = [:]
        for (metric, posts) in identified {
            for actors in posts.values { for actor in actors { reachOf[metric, default: [:]][actor, default: 0] += 1 } }
        }
        self.identified = identified.mapValues { $0.mapValues { $0.sorted() } }
        self.reachOf = reachOf

        var byThread: [String: [Interaction]] = [:]
        for interaction in interactions where interaction.kind == .messageReceived || interaction.kind == .messageSent {
            guard let key = interaction.thread ?? interaction.counterpart else { continue }
            byThread[key, default: []].append(interaction)
        }
        messageThreads = byThread.keys.sorted().compactMap { key in
            let messages = (byThread[key] ?? []).sorted { ($0.at, $0.id) < ($1.at, $1.id) }
            guard let received = messages.first(where: { $0.kind == .messageReceived }) else { return nil }
            let answer = messages.first { $0.kind == .messageSent && $0.at > received.at }
            return Thread(id: key, delay: answer.map { $0.at.timeIntervalSince(received.at) })
        }
        ownResponses = own.map { response(to: $0) }
    }

    /// What others did to `post` in `metric`: the source's count, less the persona's own replies;
    /// where the people are named, each counts once per window (a person who reacted to n posts
    /// adds 1/n to each) and only the unnamed rest of the count at face value. `nil` if unmeasured.
    func others(_ metric: Metric, on post: Post) -> Double? {
        let count: Int?
        switch metric {
        case .conversation: count = post.counts.replies.map { $0 - (ownReplies[post.id] ?? 0) }
        case .amplification: count = post.counts.reposts
        case .applause: count = post.counts.likes
        case .responsiveness, .recognition: count = nil
        }
        let counted = count.map { Double(max(0, $0)) }
        guard let actors = identified[metric]?[post.id] else { return counted }
        // Named people refine the count: each weighs 1/n; the unnamed rest counts as before.
        let freshOnes = fresh[metric] ?? []
        let named = actors.reduce(0) {
            $0 + (freshOnes.contains($1) ? Engagement.freshWeight : 1) / Double(max(1, reachOf[metric]?[$1] ?? 1))
        }
        return named + max(0, (counted ?? 0) - Double(actors.count))
    }

    /// All reactions by others to `post` that some source measured; `nil` if none did.
    func response(to post: Post) -> Double? {
        let parts = [Metric.conversation, .amplification, .applause].compactMap { others($0, on: post) }
        return parts.isEmpty ? nil : parts.reduce(0, +)
    }

    /// Reactions by others over the window's posts, plus messages, endorsements,
    /// recommendations and invitations received: the sample behind the score.
    var interactionCount: Int {
        let received: Set<Interaction.Kind> = [.messageReceived, .endorsementReceived, .recommendationReceived, .invitationReceived]
        return reactionCount + interactions.filter { received.contains($0.kind) }.count
    }

    /// What others did with the persona's posts in the window (measured replies, reposts, likes).
    var reactionCount: Int { Int(ownResponses.compactMap { $0 }.reduce(0, +).rounded()) }

    /// The sample, spelled out: posts by kind, self-replies left out, what was received by kind.
    var sample: Sample {
        let window = input.windowStart...max(input.windowStart, input.windowEnd)
        func received(_ kind: Interaction.Kind) -> Int { interactions.filter { $0.kind == kind }.count }
        return Sample(
            posts: own.count, interactions: interactionCount, originals: originals.count,
            replies: own.count - originals.count,
            selfRepliesLeftOut: input.posts.filter { $0.kind == .selfReply && window.contains($0.createdAt) }.count,
            reactions: reactionCount, messagesReceived: received(.messageReceived),
            endorsementsReceived: received(.endorsementReceived), recommendationsReceived: received(.recommendationReceived),
            invitationsReceived: received(.invitationReceived), authenticShare: authenticShare)
    }

    /// ", each of 12 identified repliers counted once in the window" where identities exist.
    func identityNote(_ metric: Metric, _ noun: String) -> String {
        guard let posts = identified[metric], !posts.isEmpty else { return "" }
        let people = reachOf[metric]?.count ?? 0
        var note = "; on \(posts.count) posts the \(noun) are known: \(people) people, each counted once in the window"
        let freshOnes = fresh[metric]?.count ?? 0
        if freshOnes > 0 {
            note += "; \(freshOnes) of them were fresh, empty accounts (younger than 30 days with under 5 posts or no followers, "
                + "or with neither posts nor followers), each counted as \(ScoreModel.format(Engagement.freshWeight)) of a person"
        }
        return note
    }

    /// Interests: tags on at least two own posts, most posted first (ties by name), at most
    /// `limit`, each with the indices of its posts in `own`. Both formulas list the same interests.
    func interests(limit: Int) -> [(tag: String, posts: [Int])] {
        var byTag: [String: [Int]] = [:]
        for (index, post) in own.enumerated() {
            for tag in Set(post.tags) where !tag.isEmpty { byTag[tag, default: []].append(index) }
        }
        return byTag.filter { $0.value.count >= 2 }
            .sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }
            .prefix(limit)
            .map { (tag: $0.key, posts: $0.value) }
    }

    /// The share of the named engagers (distinct accounts, over all metrics) counted as authentic
    /// people rather than fresh, empty accounts; `nil` where no source names its engagers.
    var authenticShare: Double? {
        let named = Set(reachOf.values.flatMap(\.keys))
        guard !named.isEmpty else { return nil }
        let freshOnes = Set(fresh.values.flatMap { $0 })
        return (Double(named.subtracting(freshOnes).count) / Double(named.count) * 1000).rounded() / 1000
    }

    /// Weeks (7-day steps back from the window's end) with at least one own post, of the window's weeks.
    var activeWeeks: (active: Int, weeks: Int) {
        let week = 7 * 86400.0
        let span = input.windowEnd.timeIntervalSince(input.windowStart)
        let weeks = max(1, Int((span / week).rounded(.up)))
        let active = Set(own.map { min(weeks - 1, Int(input.windowEnd.timeIntervalSince($0.createdAt) / week)) })
        return (active.count, weeks)
    }

    /// Message threads someone wrote into: how many the persona answered, the median delay in
    /// hours, and the credit each answer keeps for its speed (`24 / (24 + median hours)`; 0 if none).
    var messageAnswers: (answered: Int, medianHours: Double, speed: Double) {
        let delays = messageThreads.compactMap(\.delay)
        let medianHours = RobustStatistics.median(delays) / 3600
        let speed = delays.isEmpty ? 0 : NetworkCalibration.answerHalfHours / (NetworkCalibration.answerHalfHours + medianHours)
        return (delays.count, medianHours, speed)
    }

    /// The two latest answered message threads, as evidence.
    var messageEvidence: [Evidence] {
        messageThreads.filter { $0.delay != nil }.suffix(2).reversed().map {
            Evidence(postId: $0.id, url: nil, count: Int((($0.delay ?? 0) / 60).rounded()), detail: "minutes to answer a message")
        }
    }
}
