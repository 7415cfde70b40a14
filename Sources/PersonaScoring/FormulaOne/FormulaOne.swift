import Foundation
import PersonaModel

/// Score formula 1 (kept to compare with formula 2 in `Benchmarks/validity`): one persona (one account on one network), eight explainable components.
///
/// A pure function of its input: no clock, no I/O; the same input gives the same score. Every
/// formula, constant and weight is stated in `Docs/scoring.md`, whose worked example the tests
/// reproduce to the digit.
///
/// The promises it keeps (each a point of the critique of Klout-style scores):
/// - rates per post through robust statistics (10% trimmed means, the t factor), saturating
///   curves, so no component passes 100 and doubling a count never doubles a component;
/// - self-replies count for nothing; identified engagers count once per window;
/// - conversation and responsiveness weigh more than applause; audience is log-damped and never
///   carries more than 10%; a persona that never answers anyone keeps only half its reach;
/// - a part no source can measure is listed with `measured: false` and why, and the weights
///   are renormalised over the rest, never a silent zero;
/// - below `minimumPosts` own posts in the window there is no number.
///
/// - Important: nothing here combines personas. A score is about one account on one network.
public enum FormulaOne {
    public static let formulaVersion = "1"
    /// Below this many own posts in the window (self-replies not counted) there is no number.
    public static let minimumPosts = 10
    /// A topic needs this many own posts before it can be expertise.
    public static let expertiseMinimumPosts = 3
    /// Expertise: a topic's median response at least this many times the persona's baseline…
    public static let expertiseRatio = 2.0
    /// …and at least this many reactions per post above it.
    public static let expertiseMargin = 2.0

    public static func score(_ input: ScoreModel.Input) -> Score {
        let context = ScoreContext(input)
        let calibration = context.calibration
        let weights = calibration.weights
        var components = [
            conversation(context, weight: weights.conversation),
            responsiveness(context, weight: weights.responsiveness),
            reach(.amplification, context, weight: weights.amplification, halfAt: calibration.amplification),
            reach(.applause, context, weight: weights.applause, halfAt: calibration.applause),
            depth(context, weight: weights.depth),
            consistency(context, weight: weights.consistency),
            recognition(context, weight: weights.recognition),
            audience(context, weight: weights.audience),
        ]
        let coverage = components.filter(\.measured).map(\.weight).reduce(0, +) / weights.total
        renormalise(&components)

        // Reciprocity: reach earned by a persona that never answers anyone counts half.
        let responsiveness = components.first { $0.name == "responsiveness" && $0.measured }?.normalized
        let reciprocity = responsiveness.map {
            NetworkCalibration.reciprocityFloor + (1 - NetworkCalibration.reciprocityFloor) * $0 / 100
        } ?? 1
        for index in components.indices where components[index].measured {
            if Self.reachComponents.contains(components[index].name) { components[index].factor = reciprocity }
            components[index].contribution = (components[index].normalized ?? 0) * components[index].weight * components[index].factor
        }

        let own = context.own.count
        var reason: String?
        if own < minimumPosts {
            reason = "\(own) own posts in the window (self-replies not counted); at least \(minimumPosts) are needed"
        } else if !components.contains(where: { $0.measured && $0.name != "audience" }) {
            reason = "none of the components but audience can be measured from this persona's sources"
        }
        let value = reason == nil
            ? min(100, max(0, RobustStatistics.rounded(components.compactMap(\.contribution).reduce(0, +)))) : nil
        return Score(
            value: value, status: reason == nil ? .ok : .insufficientData, formulaVersion: formulaVersion,
            windowStart: input.windowStart, windowEnd: input.windowEnd, components: components,
            sample: context.sample, topics: FormulaOneTopics.topics(context),
            reason: reason, calibration: calibration.calibration, minimumPosts: minimumPosts,
            coverage: RobustStatistics.rounded(coverage * 1000) / 1000)
    }

    /// The components whose points come from what others did with the persona's posts.
    static let reachComponents: Set<String> = ["conversation", "amplification", "applause", "depth"]

    /// Weights over the measured components, summing to 1; audience capped at 10%.
    static func renormalise(_ components: inout [Component]) {
        let measured = components.filter(\.measured)
        let total = measured.map(\.weight).reduce(0, +)
        let audienceBase = measured.first { $0.name == "audience" }?.weight ?? 0
        let rest = total - audienceBase
        let audienceWeight = rest > 0 ? min(audienceBase / total, NetworkCalibration.audienceWeightCap) : (audienceBase > 0 ? 1 : 0)
        for index in components.indices {
            guard components[index].measured else { components[index].weight = 0; continue }
            if components[index].name == "audience" {
                components[index].weight = audienceWeight
            } else {
                components[index].weight = components[index].weight / rest * (1 - audienceWeight)
            }
        }
    }

    // MARK: Components

    /// Replies by others per own original post.
    static func conversation(_ context: ScoreContext, weight: Double) -> Component {
        let counted = context.originals.compactMap { post in context.others(.conversation, on: post).map { (post: post, count: $0) } }
        guard !counted.isEmpty else {
            let reason = context.input.unmeasurable[.conversation]
                ?? (context.originals.isEmpty ? "no original posts in the window to count replies on"
                    : "no source reported reply counts for the persona's posts")
            return ScoreModel.unmeasured("conversation", reason)
        }
        let raw = RobustStatistics.trimmedMean(counted.map(\.count))
        var reason = "10% trimmed mean of replies by others per original post, over \(counted.count) posts"
        let removed = counted.map { context.ownReplies[$0.post.id] ?? 0 }.reduce(0, +)
        if removed > 0 { reason += "; \(removed) of the persona's own replies removed from the counts" }
        reason += context.identityNote(.conversation, "repliers")
        return Component(
            name: "conversation", raw: raw, normalized: RobustStatistics.saturating(raw, halfAt: context.calibration.conversation),
            weight: weight, contribution: nil, measured: true, reason: reason, evidence: ScoreModel.evidence(counted, "replies by others"))
    }

    /// Reposts (amplification) or likes (applause) by others per own post.
    static func reach(_ metric: Metric, _ context: ScoreContext, weight: Double, halfAt k: Double) -> Component {
        let what = metric == .amplification ? "reposts" : "likes"
        let counted = context.own.compactMap { post in context.others(metric, on: post).map { (post: post, count: $0) } }
        guard !counted.isEmpty else {
            let reason = context.input.unmeasurable[metric]
                ?? (context.own.isEmpty ? "no own posts in the window" : "no source reported \(what) for the persona's posts")
            return ScoreModel.unmeasured(metric.rawValue, reason)
        }
        let raw = RobustStatistics.trimmedMean(counted.map(\.count))
        let reason = "10% trimmed mean of \(what) by others per own post, over \(counted.count) posts"
            + context.identityNote(metric, metric == .amplification ? "reposters" : "likers")
        return Component(
            name: metric.rawValue, raw: raw, normalized: RobustStatistics.saturating(raw, halfAt: k),
            weight: weight, contribution: nil, measured: true, reason: reason, evidence: ScoreModel.evidence(counted, "\(what) by others"))
    }

    /// The t factor over all reactions by others.
    static func depth(_ context: ScoreContext, weight: Double) -> Component {
        let counted = zip(context.own, context.ownResponses).compactMap { post, response in response.map { (post: post, count: $0) } }
        guard !counted.isEmpty else {
            let reasons = [Metric.conversation, .amplification, .applause].compactMap { context.input.unmeasurable[$0] }
            return ScoreModel.unmeasured("depth", reasons.isEmpty ? "no source reported reactions to the persona's posts"
                                                        : reasons.joined(separator: "; "))
        }
        let t = RobustStatistics.tFactor(counted.map(\.count))
        return Component(
            name: "depth", raw: Double(t), normalized: RobustStatistics.saturating(Double(t), halfAt: context.calibration.depth),
            weight: weight, contribution: nil, measured: true,
            reason: "t factor: \(t) of \(counted.count) posts each earned at least \(t) reactions from others",
            evidence: ScoreModel.evidence(counted, "reactions by others"))
    }

    /// Does the persona talk with people: replies to others, answered messages.
    static func responsiveness(_ context: ScoreContext, weight: Double) -> Component {
        var parts: [Double] = []
        var reasons: [String] = []
        var evidence: [Evidence] = []
        let canSeeReplies = context.input.unmeasurable[.responsiveness] == nil
        if canSeeReplies, !context.own.isEmpty {
            let replies = context.own.filter { $0.kind == .reply }
            let share = Double(replies.count) / Double(context.own.count)
            parts.append(share)
            reasons.append("\(replies.count) of \(context.own.count) own posts (\(Int((share * 100).rounded()))%) answer others")
            evidence += replies.suffix(2).reversed().map {
                Evidence(postId: $0.id, url: $0.url, count: 1, detail: "reply to someone else")
            }
        }
        let threads = context.messageThreads
        if !threads.isEmpty {
            let (answered, medianHours, speed) = context.messageAnswers
            let share = Double(answered) / Double(threads.count)
            parts.append(share * speed)
            var text = "\(answered) of \(threads.count) message threads answered"
            if answered > 0 { text += ", median answer time \(ScoreModel.format((medianHours * 10).rounded() / 10)) h" }
            reasons.append(text)
            evidence += context.messageEvidence
        }
        guard !parts.isEmpty else {
            let reason = context.input.unmeasurable[.responsiveness]
                ?? (context.own.isEmpty ? "no own posts or messages in the window" : "no source shows replies or messages")
            return ScoreModel.unmeasured("responsiveness", reason)
        }
        let raw = parts.reduce(0, +) / Double(parts.count)
        return Component(
            name: "responsiveness", raw: raw,
            normalized: RobustStatistics.saturatingShare(raw, halfAt: NetworkCalibration.responsivenessHalf),
            weight: weight, contribution: nil, measured: true,
            reason: (parts.count > 1 ? "mean of: " : "") + reasons.joined(separator: "; "), evidence: evidence)
    }

    /// Share of the window's weeks with at least one own post.
    static func consistency(_ context: ScoreContext, weight: Double) -> Component {
        guard !context.own.isEmpty else { return ScoreModel.unmeasured("consistency", "no own posts in the window") }
        let (active, weeks) = context.activeWeeks
        let raw = Double(active) / Double(weeks)
        return Component(
            name: "consistency", raw: raw,
            normalized: RobustStatistics.saturatingShare(raw, halfAt: NetworkCalibration.consistencyHalf),
            weight: weight, contribution: nil, measured: true,
            reason: "posted in \(active) of the window's \(weeks) weeks")
    }

    /// Endorsements and recommendations received, each person once.
    static func recognition(_ context: ScoreContext, weight: Double) -> Component {
        if let reason = context.calibration.noRecognition { return ScoreModel.unmeasured("recognition", reason) }
        if let reason = context.input.unmeasurable[.recognition] { return ScoreModel.unmeasured("recognition", reason) }
        func people(_ kind: Interaction.Kind) -> Set<String> {
            Set(context.interactions.filter { $0.kind == kind }.map { $0.counterpart ?? $0.id })
        }
        let endorsers = people(.endorsementReceived), recommenders = people(.recommendationReceived)
        let raw = Double(endorsers.count + 2 * recommenders.count)
        return Component(
            name: "recognition", raw: raw, normalized: RobustStatistics.saturating(raw, halfAt: context.calibration.recognition),
            weight: weight, contribution: nil, measured: true,
            reason: "\(endorsers.count) people endorsed and \(recommenders.count) recommended the persona in the window (a recommendation counts twice)")
    }

    /// Followers or connections, log-damped.
    static func audience(_ context: ScoreContext, weight: Double) -> Component {
        guard let audience = context.input.audience else {
            return ScoreModel.unmeasured("audience", "no source states the follower or connection count")
        }
        let raw = Double(max(0, audience))
        return Component(
            name: "audience", raw: raw, normalized: RobustStatistics.logDamped(raw, full: context.calibration.audienceFull),
            weight: weight, contribution: nil, measured: true,
            reason: "\(audience) followers or connections, log-damped (\(ScoreModel.format(context.calibration.audienceFull)) score 100); at most 10% of the score")
    }
}
