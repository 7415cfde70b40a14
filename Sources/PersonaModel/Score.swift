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
    public var postId: String
    public var url: String?
    public var count: Int

    public init(postId: String, url: String?, count: Int) {
        self.postId = postId
        self.url = url
        self.count = count
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(postId, forKey: .postId)
        try container.encode(url, forKey: .url)
        try container.encode(count, forKey: .count)
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
    /// `normalized × weight`: the points this component adds to the score.
    public var contribution: Double?
    public var measured: Bool
    /// How the raw value was obtained, or why it could not be.
    public var reason: String
    /// The posts that drove the value, strongest first (a few only).
    public var evidence: [Evidence]

    public init(
        name: String, raw: Double?, normalized: Double?, weight: Double, contribution: Double?,
        measured: Bool, reason: String, evidence: [Evidence] = []
    ) {
        self.name = name
        self.raw = raw
        self.normalized = normalized
        self.weight = weight
        self.contribution = contribution
        self.measured = measured
        self.reason = reason
        self.evidence = evidence
    }

    /// Unknown values are written as explicit `null`: the snapshot format never omits a field.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(raw, forKey: .raw)
        try container.encode(normalized, forKey: .normalized)
        try container.encode(weight, forKey: .weight)
        try container.encode(contribution, forKey: .contribution)
        try container.encode(measured, forKey: .measured)
        try container.encode(reason, forKey: .reason)
        try container.encode(evidence, forKey: .evidence)
    }
}

/// How much data stands behind a score.
public struct Sample: Sendable, Hashable, Codable {
    /// Own posts (originals and replies to others) in the window.
    public var posts: Int
    /// Reactions by others counted over those posts (replies + reposts + likes that were measured).
    public var interactions: Int

    public init(posts: Int, interactions: Int) {
        self.posts = posts
        self.interactions = interactions
    }
}

/// Topics: what the persona posts about, and separately where it earns response.
public struct Topics: Sendable, Hashable, Codable {
    public var interests: [String]
    public var expertise: [String]

    public init(interests: [String] = [], expertise: [String] = []) {
        self.interests = interests
        self.expertise = expertise
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

    public init(
        value: Double?, status: ScoreStatus, formulaVersion: String, windowStart: Date, windowEnd: Date,
        components: [Component], sample: Sample, topics: Topics, reason: String? = nil
    ) {
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
