import Foundation
import PersonaModel

/// Score formula 2: evidence before numbers (`Docs/scoring.md`).
///
/// Only what others did can raise the score: replies, reposts and likes by others on the
/// persona's original posts, the share of originals that reached anyone, and (LinkedIn)
/// endorsements and recommendations. Whether the persona answers the people who addressed it is
/// a factor on all of them (0.5 for answering no one, 1 for answering everyone), never points of
/// its own. What the persona controls alone (how often it posts, how many follow it) is shown
/// and carries no weight.
///
/// Every number has a 90% interval (`Bootstrap`); a number whose interval is wider than
/// `maximumIntervalWidth` points is not given. No evidence of anyone's response in the window,
/// or no source able to observe any, gives `insufficient_data` with the reason.
///
/// - Important: a pure function of its input; nothing here combines personas.
public enum FormulaTwo {
    public static let formulaVersion = "2"
    /// Below this many own posts in the window there is nothing to resample.
    public static let minimumPosts = 10
    /// A 90% interval wider than this many points is too wide to mean anything: no number.
    public static let maximumIntervalWidth = 40.0
    /// The parts formula 2 computes: five scored ones, and responsiveness, the factor on them.
    enum Part: String, CaseIterable {
        case conversation, amplification, applause, depth, recognition, responsiveness

        static let scored: [Part] = [.conversation, .amplification, .applause, .depth, .recognition]

        /// The base weights of the scored parts (sum 1); renormalised over what was measured.
        var baseWeight: Double {
            switch self {
            case .conversation: 0.40
            case .amplification: 0.25
            case .depth: 0.15
            case .applause, .recognition: 0.10
            case .responsiveness: 0
            }
        }
    }
    /// A persona that answers no one keeps this share of its points.
    static let reciprocityFloor = 0.6
    /// Likes score at most this many points above the better of conversation and amplification.
    static let applauseHeadroom = 25.0
    /// The share of originals reaching someone that scores 62.5 (as for responsiveness).
    static let depthHalf = 0.25
    /// The answered share that scores 50 × (1 + k): answering one in four scores 62.5;
    /// answering everyone is 100.
    static let answerHalf = 0.25
    /// Replies under one post that count as people to answer, at most.
    static let answerablePerPost = 25.0
    /// The answered share is smoothed by this many pseudo-answers in twice as many pseudo-addressed
    /// (Laplace's rule): 0 of 2 is not "never answers", it is too few to tell.
    static let answerPrior = 1.0
    /// An answer that nobody reacted to counts this much: it may have gone to no one.
    static let unansweredReplyCredit = 0.0
    /// Per-post rates are shrunk toward the network's typical post (`k`) by this many pseudo-posts.
    static let priorPosts = 6.0
    /// Points added to each side of the interval per unit of the model that could not be measured.
    static let wideningPerUnmeasured = 15.0
    /// Points added to each side of the interval when no source names who reacted.
    static let unnamedWidening = 2.0

    public static func score(_ input: ScoreModel.Input) -> Score {
        let context = ScoreContext(input)
        let table = PostTable(context)
        let point = table.evaluateAll()
        let available = Part.scored.filter { $0 != .recognition || context.calibration.noRecognition == nil }
        let measured = Part.scored.filter { point.normalized[$0] != nil }
        let measuredBase = measured.reduce(0) { $0 + $1.baseWeight }
        let availableBase = available.reduce(0) { $0 + $1.baseWeight }
        var weights = PostTable.PartValues()
        for part in measured { weights[part] = part.baseWeight / measuredBase }
        let coverage = availableBase > 0 ? measuredBase / availableBase : 0

        let bootstrap = Bootstrap.run(table, weights: weights, factor: point.factor)
        // Counts whose people nobody names could hide a pod that varies its reactions: less is known.
        let reachMeasured = [Part.conversation, .amplification, .applause].contains { point.normalized[$0] != nil }
        let unnamed = reachMeasured && context.identified.values.allSatisfy(\.isEmpty)
        let widen = wideningPerUnmeasured * (1 - coverage) + (unnamed ? unnamedWidening : 0)
        func interval(_ value: Double?, _ range: (low: Double, high: Double)?, widen: Double) -> Interval? {
            guard let value, let range else { return nil }
            return Interval(low: RobustStatistics.rounded(max(0, min(value, range.low) - widen)),
                            high: RobustStatistics.rounded(min(100, max(value, range.high) + widen)))
        }

        let explain = Explanation(context: context, table: table, point: point, weights: weights)
        var components = explain.components()
        for index in components.indices where components[index].measured {
            guard let part = Part(rawValue: components[index].name) else { continue }
            components[index].interval = interval(components[index].normalized, bootstrap.components[part],
                                                  widen: weights[part] == nil ? 0 : widen)
        }

        let total = point.total(weights: weights)
        let scoreInterval = interval(total, bootstrap.score, widen: widen)
        let reason = insufficiency(context, table: table, measured: measured, interval: scoreInterval)
        let value = reason == nil ? total.map(RobustStatistics.rounded) : nil
        return Score(
            value: value, status: reason == nil ? .ok : .insufficientData, formulaVersion: formulaVersion,
            windowStart: input.windowStart, windowEnd: input.windowEnd, components: components,
            sample: context.sample, topics: FormulaTwoTopics.topics(context, table: table),
            reason: reason, calibration: calibration(context.calibration), minimumPosts: minimumPosts,
            coverage: (coverage * 1000).rounded() / 1000, interval: scoreInterval, posts: table.postCounts())
    }

    /// Why there is no number, or `nil` when there is one. In order: too few posts; nothing the
    /// sources could observe of others; nothing others did; an interval too wide.
    static func insufficiency(_ context: ScoreContext, table: PostTable, measured: [Part], interval: Interval?) -> String? {
        let own = context.own.count
        if own < minimumPosts {
            return "\(own) own posts in the window (self-replies not counted); at least \(minimumPosts) are needed"
        }
        if measured.isEmpty {
            let why = Set([Metric.conversation, .amplification, .applause].compactMap { context.input.unmeasurable[$0] }).sorted()
            var text = "none of this persona's sources can observe what others did with its posts"
            if table.originals.isEmpty { text = "no original posts in the window to measure others' response on" }
            return why.isEmpty ? text : text + " (" + why.joined(separator: "; ") + ")"
        }
        let sample = context.sample
        let received = (sample.reactions ?? 0) + (sample.messagesReceived ?? 0) + (sample.endorsementsReceived ?? 0)
            + (sample.recommendationsReceived ?? 0)
        if received == 0 {
            return "nothing others did was observed in the window: no replies, reposts or likes by others on \(own) own posts, "
                + "no messages, endorsements or recommendations received; what the persona does alone is not evidence"
        }
        if let interval, interval.width > maximumIntervalWidth {
            return "the 90% interval runs from \(ScoreModel.format(interval.low)) to \(ScoreModel.format(interval.high)): "
                + "wider than \(ScoreModel.format(maximumIntervalWidth)) points, too uncertain to give a number"
        }
        return nil
    }

    /// The constants formula 2 used, as the snapshot states them.
    static func calibration(_ calibration: NetworkCalibration) -> Calibration {
        Calibration(network: calibration.network, basis: calibration.basis, note: calibration.note, constants: [
            "conversation": calibration.conversation, "amplification": calibration.amplification,
            "applause": calibration.applause, "recognition": calibration.recognition,
            "depth": depthHalf, "responsiveness": answerHalf,
        ])
    }
}
