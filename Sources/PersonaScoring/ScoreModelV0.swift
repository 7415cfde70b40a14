import Foundation
import PersonaModel

/// Score v0: per-post medians of what others did with the persona's posts, log-damped to 0–100.
///
/// A pure function of its input: no clock, no I/O, the same input gives the same score. It is
/// a placeholder for the full model (responsiveness, depth, consistency, recognition, audience);
/// what it already keeps are the promises every later version keeps: medians not means, rates
/// per post not totals, self-replies worth nothing, unmeasured parts listed and never zero, and
/// no number below a minimum sample.
public enum ScoreModelV0 {
    public static let formulaVersion = "0"
    /// Below this many own posts in the window there is no number, only `insufficient_data`.
    public static let minimumPosts = 5

    /// What the scorer reads. Built by the daemon from the store; never touches a network or a file.
    public struct Input: Sendable {
        public var network: Network
        /// Every stored post of the persona; the scorer keeps those inside the window.
        public var posts: [Post]
        /// For each metric that a configured source can never measure, why.
        public var unmeasurable: [Metric: String]
        public var windowStart: Date
        public var windowEnd: Date

        public init(network: Network, posts: [Post], unmeasurable: [Metric: String], windowStart: Date, windowEnd: Date) {
            self.network = network
            self.posts = posts
            self.unmeasurable = unmeasurable
            self.windowStart = windowStart
            self.windowEnd = windowEnd
        }
    }

    /// A component's definition: which count it reads and how much it weighs.
    struct Definition {
        var metric: Metric
        var weight: Double
        var what: String
        var count: @Sendable (EngagementCounts) -> Int?
    }

    /// Conversation weighs most, applause least (Kaushik's ranking of per-post rates).
    static let definitions: [Definition] = [
        Definition(metric: .conversation, weight: 0.5, what: "replies by others", count: { $0.replies }),
        Definition(metric: .amplification, weight: 0.3, what: "reposts by others", count: { $0.reposts }),
        Definition(metric: .applause, weight: 0.2, what: "likes", count: { $0.likes }),
    ]

    /// The per-post median that maps to 100 points. v0 uses one scale for every network;
    /// per-network calibration comes with the full model.
    static func saturation(for metric: Metric) -> Double {
        switch metric {
        case .conversation: 20
        case .amplification: 20
        case .applause: 100
        }
    }

    public static func score(_ input: Input) -> Score {
        let inWindow = input.posts.filter {
            $0.kind != .selfReply && $0.createdAt >= input.windowStart && $0.createdAt <= input.windowEnd
        }
        var components: [Component] = []
        var measuredWeight = 0.0
        var interactions = 0
        for definition in definitions {
            let counted = inWindow.compactMap { post in definition.count(post.counts).map { (post, max(0, $0)) } }
            guard !counted.isEmpty else {
                let reason = input.unmeasurable[definition.metric]
                    ?? "no source reported \(definition.what) for posts in the window"
                components.append(Component(
                    name: definition.metric.rawValue, raw: nil, normalized: nil, weight: 0,
                    contribution: nil, measured: false, reason: reason))
                continue
            }
            interactions += counted.reduce(0) { $0 + $1.1 }
            let raw = median(counted.map { Double($0.1) })
            let normalized = min(100, 100 * log1p(raw) / log1p(saturation(for: definition.metric)))
            let evidence = counted.sorted { ($0.1, $1.0.id) > ($1.1, $0.0.id) }.prefix(3).map {
                Evidence(postId: $0.0.id, url: $0.0.url, count: $0.1)
            }
            measuredWeight += definition.weight
            components.append(Component(
                name: definition.metric.rawValue, raw: raw, normalized: normalized, weight: definition.weight,
                contribution: nil, measured: true,
                reason: "median \(definition.what) per own post over \(counted.count) posts",
                evidence: Array(evidence)))
        }
        // Renormalise weights over what could be measured, so that a missing part is neither
        // a silent zero nor a silent bonus.
        for index in components.indices where components[index].measured {
            let weight = components[index].weight / measuredWeight
            components[index].weight = weight
            components[index].contribution = (components[index].normalized ?? 0) * weight
        }
        let sample = Sample(posts: inWindow.count, interactions: interactions)
        let topics = Topics(interests: interests(of: inWindow), expertise: [])
        var reason: String?
        if inWindow.count < minimumPosts {
            reason = "\(inWindow.count) own posts in the window; at least \(minimumPosts) are needed"
        } else if measuredWeight == 0 {
            reason = "none of the components can be measured from this persona's sources"
        }
        let value = reason == nil ? rounded(components.compactMap(\.contribution).reduce(0, +)) : nil
        return Score(
            value: value, status: reason == nil ? .ok : .insufficientData, formulaVersion: formulaVersion,
            windowStart: input.windowStart, windowEnd: input.windowEnd,
            components: components, sample: sample, topics: topics, reason: reason)
    }

    /// The median, which one viral post cannot move far.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// Tags on at least two own posts, most frequent first (at most five). Interest only:
    /// expertise needs response from others and comes with the full model.
    static func interests(of posts: [Post]) -> [String] {
        var counts: [String: Int] = [:]
        for post in posts {
            for tag in Set(post.tags) { counts[tag, default: 0] += 1 }
        }
        return counts.filter { $0.value >= 2 }
            .sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .prefix(5).map(\.key)
    }

    static func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}
