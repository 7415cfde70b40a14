import Foundation

/// The state of a persona's score.
public enum ScoreStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Computed from fresh data.
    case ok
    /// Too few own posts in the window to say anything: no number is given.
    case insufficientData = "insufficient_data"
    /// The score stands on the last good data; at least one source failed since.
    case stale
    /// No good data was ever read; see the sources' `last_error`.
    case error
}

/// A post and the counts that made it evidence for a component.
public struct Evidence: Sendable, Hashable, Codable {
    /// The post (or, for messages, the conversation) the evidence is about.
    public var postId: String
    public var url: String?
    /// The count that made it evidence (reactions by others, or minutes to answer for messages).
    public var count: Int
    /// What the count is, in words, where the component's reason does not say it.
    public var detail: String?

    public init(postId: String, url: String?, count: Int, detail: String? = nil) {
        self.postId = postId
        self.url = url
        self.count = count
        self.detail = detail
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(postId, forKey: .postId)
        try container.encode(url, forKey: .url)
        try container.encode(count, forKey: .count)
        try container.encode(detail, forKey: .detail)
    }
}

/// A 90% interval around a number on the 0–100 scale (formula 2 and later): a seeded bootstrap
/// over the persona's posts, widened for what its sources could not measure.
public struct Interval: Sendable, Hashable, Codable {
    public var low: Double
    public var high: Double

    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }

    public var width: Double { high - low }
}

/// One own post as a score counted it (formula 2 and later): what its source reported and what the
/// formula used, so that a reader can recompute every part (`personactl explain ID --posts`).
public struct PostCount: Sendable, Hashable, Codable {
    public struct Counts: Sendable, Hashable, Codable {
        public var replies: Double?
        public var reposts: Double?
        public var likes: Double?

        public init(replies: Double?, reposts: Double?, likes: Double?) {
            self.replies = replies
            self.reposts = reposts
            self.likes = likes
        }
    }

    public var postId: String
    public var url: String?
    /// `original` or `reply` (self-replies are left out of the score and of this list).
    public var kind: PostKind
    public var createdAt: Date
    /// The counts the source reported (`nil` where it measures none).
    public var reported: Counts
    /// The counts the formula used: by others only (the persona's own replies removed), each named
    /// engager weighted once per window, an unnamed block counted once.
    public var counted: Counts
    /// Replies by others under this post that count as people who addressed the persona (at most 25).
    public var addressed: Double
    /// For a reply to someone else: its credit as an answer (a template's copies share one answer;
    /// an answer nobody reacted to counts 0); `nil` for an original.
    public var answerCredit: Double?

    public init(postId: String, url: String?, kind: PostKind, createdAt: Date, reported: Counts, counted: Counts,
                addressed: Double, answerCredit: Double?) {
        self.postId = postId
        self.url = url
        self.kind = kind
        self.createdAt = createdAt
        self.reported = reported
        self.counted = counted
        self.addressed = addressed
        self.answerCredit = answerCredit
    }
}

/// One part of a score, with everything needed to explain it.
public struct Component: Sendable, Hashable, Codable {
    public var name: String
    /// The measured quantity before normalisation (e.g. median replies per post); `nil` if unmeasured.
    public var raw: Double?
    /// `raw` mapped onto 0–100; `nil` if unmeasured.
    public var normalized: Double?
    /// The share of the score this component carries after renormalising over measured components.
    public var weight: Double
    /// A multiplier on this component's points: the reciprocity factor for the reach components
    /// (conversation, amplification, applause, depth), 1 for the others.
    public var factor: Double
    /// `normalized × weight × factor`: the points this component adds to the score.
    public var contribution: Double?
    public var measured: Bool
    /// How the raw value was obtained, or why it could not be.
    public var reason: String
    /// The posts that drove the value, strongest first (a few only).
    public var evidence: [Evidence]
    /// The 90% interval of `normalized` (formula 2 and later); `nil` if unmeasured or older.
    public var interval: Interval?

    public init(
        name: String, raw: Double?, normalized: Double?, weight: Double, contribution: Double?,
        measured: Bool, reason: String, evidence: [Evidence] = [], factor: Double = 1, interval: Interval? = nil
    ) {
        self.interval = interval
        self.factor = factor
        self.name = name
        self.raw = raw
        self.normalized = normalized
        self.weight = weight
        self.contribution = contribution
        self.measured = measured
        self.reason = reason
        self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey {
        case name, raw, normalized, weight, factor, contribution, measured, reason, evidence, interval
    }

    /// Reads scores stored before `factor` existed (formula 0) as factor 1.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        raw = try container.decodeIfPresent(Double.self, forKey: .raw)
        normalized = try container.decodeIfPresent(Double.self, forKey: .normalized)
        weight = try container.decode(Double.self, forKey: .weight)
        factor = try container.decodeIfPresent(Double.self, forKey: .factor) ?? 1
        contribution = try container.decodeIfPresent(Double.self, forKey: .contribution)
        measured = try container.decode(Bool.self, forKey: .measured)
        reason = try container.decode(String.self, forKey: .reason)
        evidence = try container.decode([Evidence].self, forKey: .evidence)
        interval = try container.decodeIfPresent(Interval.self, forKey: .interval)
    }

    /// Unknown values are written as explicit `null`: the snapshot format never omits a field.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(raw, forKey: .raw)
        try container.encode(normalized, forKey: .normalized)
        try container.encode(weight, forKey: .weight)
        try container.encode(factor, forKey: .factor)
        try container.encode(contribution, forKey: .contribution)
        try container.encode(measured, forKey: .measured)
        try container.encode(reason, forKey: .reason)
        try container.encode(evidence, forKey: .evidence)
        try container.encode(interval, forKey: .interval)
    }
}

/// How much data stands behind a score.
///
/// The breakdown fields are nil in history entries written before they existed.
public struct Sample: Sendable, Hashable, Codable {
    /// Own posts (originals and replies to others) in the window.
    public var posts: Int
    /// Reactions by others counted over those posts (replies + reposts + likes that were measured),
    /// and messages, endorsements, recommendations and invitations received.
    public var interactions: Int
    /// Of `posts`: the persona's original posts.
    public var originals: Int?
    /// Of `posts`: its replies to others.
    public var replies: Int?
    /// Its replies to its own posts in the window: left out of `posts` and of the reply counts.
    public var selfRepliesLeftOut: Int?
    /// Of `interactions`: what others did with the persona's posts (measured replies, reposts, likes).
    public var reactions: Int?
    /// Of `interactions`, by kind: messages, endorsements, recommendations and invitations received.
    public var messagesReceived: Int?
    public var endorsementsReceived: Int?
    public var recommendationsReceived: Int?
    public var invitationsReceived: Int?
    /// Of the engagers a source named (distinct accounts), the share counted as authentic people,
    /// not fresh, empty accounts; `nil` where no source names who reacted.
    public var authenticShare: Double?

    public init(posts: Int, interactions: Int, originals: Int? = nil, replies: Int? = nil, selfRepliesLeftOut: Int? = nil,
                reactions: Int? = nil, messagesReceived: Int? = nil, endorsementsReceived: Int? = nil,
                recommendationsReceived: Int? = nil, invitationsReceived: Int? = nil, authenticShare: Double? = nil) {
        self.authenticShare = authenticShare
        self.posts = posts
        self.interactions = interactions
        self.originals = originals
        self.replies = replies
        self.selfRepliesLeftOut = selfRepliesLeftOut
        self.reactions = reactions
        self.messagesReceived = messagesReceived
        self.endorsementsReceived = endorsementsReceived
        self.recommendationsReceived = recommendationsReceived
        self.invitationsReceived = invitationsReceived
    }
}

/// Topics: what the persona posts about, and separately where it earns response.
public struct Topics: Sendable, Hashable, Codable {
    /// Topics on at least two own posts, most posted first.
    public var interests: [String]
    /// Topics whose posts earn clearly more response from others than the persona's other posts.
    public var expertise: [String]
    /// The numbers behind both lists, one entry per listed topic.
    public var details: [TopicDetail]

    public init(interests: [String] = [], expertise: [String] = [], details: [TopicDetail] = []) {
        self.interests = interests
        self.expertise = expertise
        self.details = details
    }

    enum CodingKeys: String, CodingKey {
        case interests, expertise, details
    }

    /// Reads topics stored before `details` existed (formula 0).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        interests = try container.decode([String].self, forKey: .interests)
        expertise = try container.decode([String].self, forKey: .expertise)
        details = try container.decodeIfPresent([TopicDetail].self, forKey: .details) ?? []
    }
}

/// Why a topic is an interest, and why it is or is not expertise.
public struct TopicDetail: Sendable, Hashable, Codable {
    public var topic: String
    /// Own posts in the window with this topic.
    public var posts: Int
    /// `posts` as a share of all own posts in the window (0–1).
    public var share: Double
    /// Median reactions by others per post on this topic; `nil` if no source measures reactions.
    public var medianResponse: Double?
    /// Median reactions by others per post on the persona's other topics (the baseline).
    public var baselineResponse: Double?
    public var expertise: Bool
    /// The reason, in words.
    public var reason: String
    /// The topic's most answered posts (for expertise).
    public var evidence: [Evidence]
    /// The test behind `expertise`, in words (formula 2 and later); `nil` when none could be run.
    public var test: String?
    /// The test's one-sided p-value, after the correction for testing every topic (Holm).
    public var pValue: Double?
    /// The effect size: the probability that one of the topic's posts draws more substantive
    /// response than one of the comparison's (0.5 = no difference).
    public var effectSize: Double?

    public init(topic: String, posts: Int, share: Double, medianResponse: Double?, baselineResponse: Double?,
                expertise: Bool, reason: String, evidence: [Evidence], test: String? = nil, pValue: Double? = nil,
                effectSize: Double? = nil) {
        self.test = test
        self.pValue = pValue
        self.effectSize = effectSize
        self.topic = topic
        self.posts = posts
        self.share = share
        self.medianResponse = medianResponse
        self.baselineResponse = baselineResponse
        self.expertise = expertise
        self.reason = reason
        self.evidence = evidence
    }
}

/// The normalisation constants a score was computed with, and where they come from.
public struct Calibration: Sendable, Hashable, Codable {
    public enum Basis: String, Sendable, Hashable, Codable {
        /// From a published benchmark of the network (see `note`).
        case published
        /// Derived from a published benchmark of another measure (see `note`).
        case derived
        /// No published norm exists: a documented default.
        case `default`
    }

    public var network: Network
    public var basis: Basis
    /// Where the constants come from, in words.
    public var note: String
    /// Half-saturation constants by component (the raw value that scores 50), and for audience
    /// the size that scores 100.
    public var constants: [String: Double]

    public init(network: Network, basis: Basis, note: String, constants: [String: Double]) {
        self.network = network
        self.basis = basis
        self.note = note
        self.constants = constants
    }
}

/// A persona's score: one account on one network.
public struct Score: Sendable, Hashable, Codable {
    /// 0–100, or `nil` when the status is `insufficient_data` or `error`.
    public var value: Double?
    public var status: ScoreStatus
    public var formulaVersion: String
    public var windowStart: Date
    public var windowEnd: Date
    public var components: [Component]
    public var sample: Sample
    public var topics: Topics
    /// Why there is no number, when there is none.
    public var reason: String?
    /// The constants the components were normalised with (formula 1 and later).
    public var calibration: Calibration?
    /// The minimum sample this formula asks for (own posts in the window).
    public var minimumPosts: Int?
    /// The share (0–1) of the model's base weight that this persona's sources could measure: how
    /// much of the full model the number stands on.
    public var coverage: Double?
    /// The 90% interval of `value` (formula 2 and later).
    public var interval: Interval?
    /// Every own post in the window as the formula counted it, newest first (formula 2 and later;
    /// snapshots only, not kept in the history).
    public var posts: [PostCount]?

    public init(
        value: Double?, status: ScoreStatus, formulaVersion: String, windowStart: Date, windowEnd: Date,
        components: [Component], sample: Sample, topics: Topics, reason: String? = nil,
        calibration: Calibration? = nil, minimumPosts: Int? = nil, coverage: Double? = nil, interval: Interval? = nil,
        posts: [PostCount]? = nil
    ) {
        self.posts = posts
        self.interval = interval
        self.coverage = coverage
        self.calibration = calibration
        self.minimumPosts = minimumPosts
        self.reason = reason
        self.value = value
        self.status = status
        self.formulaVersion = formulaVersion
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.components = components
        self.sample = sample
        self.topics = topics
    }
}
