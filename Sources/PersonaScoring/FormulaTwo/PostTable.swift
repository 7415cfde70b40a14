import Foundation
import PersonaModel

/// Formula 2's numbers per post, computed once, so that the point estimate and every bootstrap
/// resample evaluate the same arithmetic over a different multiset of posts.
///
/// Originals carry reach (what others did with what the persona started); replies to others
/// carry answers. Both carry "addressed": the replies by others under them, each one a person who
/// spoke to the persona.
struct PostTable {
    /// One value per part, stored inline (no allocation per bootstrap round).
    struct PartValues {
        private var values: (Double?, Double?, Double?, Double?, Double?, Double?) = (nil, nil, nil, nil, nil, nil)

        subscript(part: FormulaTwo.Part) -> Double? {
            get {
                switch part {
                case .conversation: values.0
                case .amplification: values.1
                case .applause: values.2
                case .depth: values.3
                case .recognition: values.4
                case .responsiveness: values.5
                }
            }
            set {
                switch part {
                case .conversation: values.0 = newValue
                case .amplification: values.1 = newValue
                case .applause: values.2 = newValue
                case .depth: values.3 = newValue
                case .recognition: values.4 = newValue
                case .responsiveness: values.5 = newValue
                }
            }
        }
    }

    /// What one evaluation found: each part on 0–100, `nil` where unmeasured.
    struct Evaluation {
        /// 0–100 per part; applause after its cap; responsiveness `nil` when the sources cannot
        /// show answers or nobody addressed the persona.
        var normalized = PartValues()
        /// Likes before the cap, for the explanation.
        var applauseUncapped: Double?
        /// The raw values behind the normalised ones (for reach: after shrinking).
        var raw = PartValues()
        /// For reach: the 10% trimmed mean before shrinking.
        var trimmed = PartValues()

        /// The multiplier on every scored part: `reciprocityFloor` for a persona that answers no
        /// one, 1 for one that answers everyone who addressed it; 1 where that cannot be seen.
        var factor: Double {
            normalized[.responsiveness].map { FormulaTwo.reciprocityFloor + (1 - FormulaTwo.reciprocityFloor) * $0 / 100 } ?? 1
        }

        /// The score before rounding: each scored part × its renormalised weight × the factor
        /// (`factor` given: held there, as the bootstrap does).
        func total(weights: PartValues, factor given: Double? = nil) -> Double? {
            let factor = given ?? self.factor
            var sum = 0.0, any = false
            for part in FormulaTwo.Part.scored {
                guard let weight = weights[part] else { continue }
                any = true
                sum += (normalized[part] ?? 0) * weight
            }
            return any ? min(100, max(0, sum * factor)) : nil
        }
    }

    let context: ScoreContext
    /// Indices into `context.own`.
    let originals: [Int]
    let replies: [Int]
    /// Per own post: replies, reposts and likes by others (engager-weighted); `nil` if unmeasured.
    let conversation: [Double?]
    let amplification: [Double?]
    let applause: [Double?]
    /// The measured originals of each reach metric in ascending order of value (for the trimmed means).
    let reachOrder: ReachOrder
    /// Per own post: replies by others under it (people who addressed the persona there).
    let addressed: [Double]
    /// Per own post: its credit as an answer (replies only): a template's copies share one answer,
    /// and an answer nobody reacted to counts half.
    let credit: [Double]
    /// Message threads someone else wrote into, and the credit of those the persona answered
    /// (1 within a day, falling with the median delay as in formula 1).
    let threadsReceived: Double
    let threadCredit: Double
    /// Distinct endorsers plus twice the distinct recommenders in the window.
    let recognition: Double?
    /// Whether any source can show the persona's answers at all.
    let answersVisible: Bool
    /// Whether replies under the persona's originals are measured, so that its replies to others
    /// can be compared with them as answers.
    let repliesComparable: Bool
    /// Per metric, the block of accounts inferred from counts that never fell below a floor.
    let blocks: [Metric: BlockDetection.Block]
    /// How many template groups of two or more replies were collapsed, and how many replies they held.
    let templates: (groups: Int, replies: Int)

    init(_ context: ScoreContext) {
        self.context = context
        let own = context.own
        originals = own.indices.filter { own[$0].kind == .original }
        replies = own.indices.filter { own[$0].kind == .reply }
        var perMetric: [Metric: [Double?]] = [:]
        var blocks: [Metric: BlockDetection.Block] = [:]
        let originals = self.originals
        for metric in [Metric.conversation, .amplification, .applause] {
            var values = own.map { context.others(metric, on: $0) }
            // Where nobody is named, a block reacting to every original counts as its people once.
            let unnamed = context.identified[metric]?.isEmpty ?? true
            let counted = originals.compactMap { values[$0] }
            if unnamed, counted.count == originals.count, let block = BlockDetection.block(counted) {
                blocks[metric] = block
                let spread = block.floor / Double(counted.count)
                for index in originals { values[index] = values[index].map { $0 - block.floor + spread } }
            }
            perMetric[metric] = values
        }
        self.blocks = blocks
        conversation = perMetric[.conversation] ?? []
        amplification = perMetric[.amplification] ?? []
        applause = perMetric[.applause] ?? []
        func ascending(_ values: [Double?]) -> [Int] {
            originals.indices.filter { values[originals[$0]] != nil }
                .sorted { (values[originals[$0]] ?? 0) < (values[originals[$1]] ?? 0) }
        }
        reachOrder = ReachOrder(conversation: ascending(conversation), amplification: ascending(amplification),
                                applause: ascending(applause))
        // Every reply by someone else addressed the persona, named or not (the engager weighting
        // is for reach, where a repeat replier must not count as many people).
        // A viral post's thousand repliers cannot all be answered: each post counts at most
        // `answerablePerPost` of them, so one post can neither carry nor sink the share.
        addressed = own.map { post in
            post.counts.replies.map { min(FormulaTwo.answerablePerPost, Double(max(0, $0 - (context.ownReplies[post.id] ?? 0)))) } ?? 0
        }

        // Replies count as answers only where a source shows who replied to the persona's posts:
        // otherwise answers and the people they answer are not measured alike (a LinkedIn export
        // lists the comments written, not the comments received), and only messages are compared.
        repliesComparable = context.originals.contains { $0.counts.replies != nil }
        let groups = TemplateReplies.groups(replies.map { own[$0].text })
        var sizes: [Int: Int] = [:]
        for group in groups { sizes[group, default: 0] += 1 }
        var credit = [Double](repeating: 0, count: own.count)
        for (position, index) in replies.enumerated() {
            let share = 1 / Double(sizes[groups[position]] ?? 1)
            let response = [conversation[index], amplification[index], applause[index]].compactMap { $0 }
            let answeredBack = response.isEmpty || response.reduce(0, +) > 0
            credit[index] = repliesComparable ? share * (answeredBack ? 1 : FormulaTwo.unansweredReplyCredit) : 0
        }
        self.credit = credit
        let collapsed = sizes.values.filter { $0 > 1 }
        templates = (collapsed.count, collapsed.reduce(0, +))

        let threads = context.messageThreads
        threadsReceived = Double(threads.count)
        let answers = context.messageAnswers
        threadCredit = Double(answers.answered) * answers.speed

        if context.calibration.noRecognition != nil || context.input.unmeasurable[.recognition] != nil {
            recognition = nil
        } else {
            func people(_ kind: Interaction.Kind) -> Int {
                Set(context.interactions.filter { $0.kind == kind }.map { $0.counterpart ?? $0.id }).count
            }
            recognition = Double(people(.endorsementReceived) + 2 * people(.recommendationReceived))
        }
        answersVisible = context.input.unmeasurable[.responsiveness] == nil || !threads.isEmpty
    }

    /// Formula 2 over a multiset of originals and replies: `originalCounts[p]` copies of
    /// `originals[p]`, and `replies` as indices into `context.own` (repeats allowed).
    ///
    /// The originals come as counts so that a trimmed mean is one walk over `reachOrder`, not a
    /// sort per resample: the values in ascending order are the same sequence either way, so the
    /// sums (and the score) are the same to the bit.
    func evaluate(originalCounts: [Int], replies: [Int]) -> Evaluation {
        var result = Evaluation()
        let calibration = context.calibration
        func rate(_ values: [Double?], _ order: [Int], _ part: FormulaTwo.Part, _ k: Double) -> Double? {
            guard let trimmed = Self.trimmedMean(values, order: order, originals: originals, counts: originalCounts) else { return nil }
            // Shrunk toward the network's typical post by `priorPosts` pseudo-originals at `k`.
            let n = Double(trimmed.count), m = FormulaTwo.priorPosts
            let raw = (n * trimmed.mean + m * k) / (n + m)
            result.trimmed[part] = trimmed.mean
            result.raw[part] = raw
            return RobustStatistics.saturating(raw, halfAt: k)
        }
        result.normalized[.conversation] = rate(conversation, reachOrder.conversation, .conversation, calibration.conversation)
        result.normalized[.amplification] = rate(amplification, reachOrder.amplification, .amplification, calibration.amplification)
        result.applauseUncapped = rate(applause, reachOrder.applause, .applause, calibration.applause)
        let substantive = [result.normalized[.conversation], result.normalized[.amplification]].compactMap { $0 }.max()
        result.normalized[.applause] = result.applauseUncapped.map { likes in
            substantive.map { min(likes, $0 + FormulaTwo.applauseHeadroom) } ?? likes
        }

        // Depth: the share of originals that drew at least one person's reply or repost
        // (likes where nothing else is measured). A share, so posting more cannot raise it.
        var seen = 0, reached = 0
        for (position, index) in originals.enumerated() where originalCounts[position] > 0 {
            let copies = originalCounts[position]
            let substantive: Double?
            if conversation[index] != nil || amplification[index] != nil {
                substantive = (conversation[index] ?? 0) + (amplification[index] ?? 0)
            } else {
                substantive = applause[index]
            }
            guard let substantive else { continue }
            seen += copies
            if substantive >= 1 { reached += copies }
        }
        if seen > 0 {
            let share = Double(reached) / Double(seen)
            result.raw[.depth] = share
            result.normalized[.depth] = RobustStatistics.saturatingShare(share, halfAt: FormulaTwo.depthHalf)
        }

        if let recognition {
            result.raw[.recognition] = recognition
            result.normalized[.recognition] = RobustStatistics.saturating(recognition, halfAt: calibration.recognition)
        }

        if answersVisible {
            // Whole numbers (each post's count is capped at `answerablePerPost`): exact in any order.
            var underOriginals = 0.0
            for (position, index) in originals.enumerated() { underOriginals += Double(originalCounts[position]) * addressed[index] }
            let spokenTo = underOriginals + replies.reduce(0) { $0 + addressed[$1] } + threadsReceived
            if spokenTo > 0 {
                let answers = replies.reduce(0) { $0 + credit[$1] } + threadCredit
                let share = min(1, (answers + FormulaTwo.answerPrior) / (spokenTo + 2 * FormulaTwo.answerPrior))
                result.raw[.responsiveness] = share
                result.normalized[.responsiveness] = RobustStatistics.saturatingShare(share, halfAt: FormulaTwo.answerHalf)
            }
        }
        return result
    }

    /// The point estimate: every post once.
    func evaluateAll() -> Evaluation { evaluate(originalCounts: Array(repeating: 1, count: originals.count), replies: replies) }

    /// The 10% trimmed mean (`RobustStatistics.trimmedMean`) of the measured values of a multiset
    /// of originals, and how many values it had; `nil` for none. `order` lists the positions in
    /// `originals` whose value is measured, in ascending order of value; the kept values are
    /// added smallest first, as the sorted array would add them.
    static func trimmedMean(_ values: [Double?], order: [Int], originals: [Int], counts: [Int]) -> (mean: Double, count: Int)? {
        var n = 0
        for position in order { n += counts[position] }
        guard n > 0 else { return nil }
        let trim = n >= 3 ? max(1, Int((Double(n) * 0.1).rounded(.up))) : 0
        // Below three values: the median (one value, or the mean of two), as `trimmedMean` does.
        let (first, last) = n >= 3 ? (trim, n - trim) : (n == 1 ? (0, 1) : (0, 2))
        var rank = 0, sum = 0.0
        for position in order {
            let copies = counts[position]
            guard copies > 0 else { continue }
            let value = values[originals[position]] ?? 0
            for _ in 0..<copies {
                if rank >= first && rank < last { sum += value }
                rank += 1
            }
            if rank >= last { break }
        }
        return (sum / Double(last - first), n)
    }

    /// Per reach metric, the positions in `originals` whose value is measured, smallest value first.
    struct ReachOrder {
        var conversation: [Int] = [], amplification: [Int] = [], applause: [Int] = []
    }

    /// Every own post as this table counts it, newest first: what `score.posts` shows.
    func postCounts() -> [PostCount] {
        context.own.indices.reversed().map { index in
            let post = context.own[index]
            func counted(_ value: Double?) -> Double? { value.map { ($0 * 1000).rounded() / 1000 } }
            return PostCount(
                postId: post.id, url: post.url, kind: post.kind, createdAt: post.createdAt,
                reported: .init(replies: post.counts.replies.map(Double.init), reposts: post.counts.reposts.map(Double.init),
                                likes: post.counts.likes.map(Double.init)),
                counted: .init(replies: counted(conversation[index]), reposts: counted(amplification[index]), likes: counted(applause[index])),
                addressed: addressed[index], answerCredit: post.kind == .reply ? (credit[index] * 1000).rounded() / 1000 : nil)
        }
    }
}
