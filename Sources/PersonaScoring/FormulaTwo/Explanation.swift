import Foundation
import PersonaModel

/// Formula 2's components in words: each with its raw value, the curve it went through, its
/// weight and factor, and the posts behind it, so that a reader can recompute the points.
struct Explanation {
    let context: ScoreContext
    let table: PostTable
    let point: PostTable.Evaluation
    let weights: PostTable.PartValues

    func components() -> [Component] {
        [
            reach(.conversation, table.conversation, what: "replies", k: context.calibration.conversation),
            responsiveness(),
            reach(.amplification, table.amplification, what: "reposts", k: context.calibration.amplification),
            reach(.applause, table.applause, what: "likes", k: context.calibration.applause),
            depth(),
            consistency(),
            recognition(),
            audience(),
        ]
    }

    func scored(_ part: FormulaTwo.Part, reason: String, evidence: [Evidence] = []) -> Component {
        let normalized = point.normalized[part]
        let weight = weights[part] ?? 0
        return Component(
            name: part.rawValue, raw: point.raw[part], normalized: normalized, weight: weight,
            contribution: normalized.map { $0 * weight * point.factor }, measured: normalized != nil, reason: reason,
            evidence: evidence, factor: point.factor)
    }

    func unmeasured(_ name: String, _ metric: Metric?, _ fallback: String) -> Component {
        ScoreModel.unmeasured(name, metric.flatMap { context.input.unmeasurable[$0] } ?? fallback)
    }

    func reach(_ part: FormulaTwo.Part, _ values: [Double?], what: String, k: Double) -> Component {
        let name = part.rawValue
        let metric = Metric(rawValue: name)
        let counted = table.originals.compactMap { index in values[index].map { (post: context.own[index], count: $0) } }
        guard !counted.isEmpty, let raw = point.raw[part] else {
            return unmeasured(name, metric, table.originals.isEmpty
                ? "no original posts in the window (reach is measured on originals, not on answers)"
                : "no source reported \(what) for the persona's original posts")
        }
        let trimmed = point.trimmed[part] ?? raw
        let m = FormulaTwo.priorPosts, n = Double(counted.count)
        let normalized = (part == .applause ? point.applauseUncapped : nil) ?? point.normalized[part] ?? 0
        var reason = "10% trimmed mean of \(what) by others per original post, over \(counted.count) originals: "
            + "\(ScoreModel.format(trimmed)); shrunk toward the network's typical post by \(ScoreModel.format(m)) posts at "
            + "\(ScoreModel.format(k)): (\(counted.count) × \(ScoreModel.format(trimmed)) + \(ScoreModel.format(m)) × \(ScoreModel.format(k))) / "
            + "\(ScoreModel.format(n + m)) = \(ScoreModel.format(raw)); S(\(ScoreModel.format(raw)), \(ScoreModel.format(k))) = "
            + ScoreModel.format(normalized)
        if name == "conversation" {
            let removed = counted.map { context.ownReplies[$0.post.id] ?? 0 }.reduce(0, +)
            if removed > 0 { reason += "; \(removed) of the persona's own replies removed from the counts" }
        }
        if part == .applause, let uncapped = point.applauseUncapped, let capped = point.normalized[.applause], capped < uncapped {
            reason += "; capped at \(ScoreModel.format(capped)), \(ScoreModel.format(FormulaTwo.applauseHeadroom)) above "
                + "replies and reposts: likes without conversation are the cheapest signal to buy"
        }
        if let metric, let block = table.blocks[metric] {
            reason += "; every original drew at least \(ScoreModel.format(block.floor)) \(what), more evenly than independent people do "
                + "(p = \(ScoreModel.printf("%.2g", block.p))): counted as a block of \(ScoreModel.format(block.floor)) accounts, "
                + "each once in the window"
        }
        if let metric, context.identified[metric]?.isEmpty ?? true {
            reason += "; who reacted is not named by this persona's sources: the interval is 2 points wider on each side"
        }
        if let metric { reason += context.identityNote(metric, what == "likes" ? "likers" : what == "reposts" ? "reposters" : "repliers") }
        return scored(part, reason: reason, evidence: ScoreModel.evidence(counted, "\(what) by others"))
    }

    func depth() -> Component {
        guard let share = point.raw[.depth] else {
            return unmeasured("depth", nil, table.originals.isEmpty ? "no original posts in the window"
                                                                   : "no source reported responses to the persona's original posts")
        }
        let counted = table.originals.compactMap { index in
            (context.own[index], [table.conversation[index], table.amplification[index]].compactMap { $0 })
        }
        let reached = Int((share * Double(counted.count)).rounded())
        let posts = counted.map { (post: $0.0, count: $0.1.reduce(0, +)) }
        return scored(.depth, reason: "\(reached) of \(counted.count) originals (\(Int((share * 100).rounded()))%) drew a reply or "
                      + "repost from at least one person; a share, so posting more cannot raise it",
                      evidence: ScoreModel.evidence(posts, "replies and reposts by others"))
    }

    func responsiveness() -> Component {
        guard let normalized = point.normalized[.responsiveness], let share = point.raw[.responsiveness] else {
            let reason: String
            if !table.answersVisible {
                reason = context.input.unmeasurable[.responsiveness] ?? "no source shows the persona's answers"
            } else {
                reason = "nobody addressed the persona in the window (no replies by others measured under its posts, "
                    + "no messages received), so there was no one to answer; the factor is 1"
            }
            return ScoreModel.unmeasured("responsiveness", reason)
        }
        let spokenTo = table.addressed.reduce(0, +) + table.threadsReceived
        let answers = table.replies.reduce(0) { $0 + table.credit[$1] } + table.threadCredit
        let prior = FormulaTwo.answerPrior
        var reason = "answers \(ScoreModel.format(answers)) to \(ScoreModel.format(spokenTo)) people who addressed the persona "
            + "(replies by others under its posts, at most \(ScoreModel.format(FormulaTwo.answerablePerPost)) a post, and message threads "
            + "received): share (\(ScoreModel.format(answers)) + \(ScoreModel.format(prior))) / (\(ScoreModel.format(spokenTo)) + "
            + "\(ScoreModel.format(2 * prior))) = \(ScoreModel.format(share)); "
            + "T(\(ScoreModel.format(share)), \(ScoreModel.format(FormulaTwo.answerHalf))) = \(ScoreModel.format(normalized)); factor "
            + "\(ScoreModel.format(FormulaTwo.reciprocityFloor)) + \(ScoreModel.format(1 - FormulaTwo.reciprocityFloor)) × "
            + "\(ScoreModel.format(normalized)) / 100 = \(ScoreModel.format(point.factor)) on every scored part"
        if table.templates.groups > 0 {
            reason += "; \(table.templates.replies) near-identical replies counted as \(table.templates.groups) answers"
        }
        if table.repliesComparable {
            reason += "; an answer nobody reacted to counts for nothing (it may have gone to no one)"
        } else if !table.replies.isEmpty {
            reason += "; its \(table.replies.count) replies to others are not counted as answers: no source shows who replied to its posts"
        }
        let evidence = table.replies.map { (post: context.own[$0], count: table.credit[$0]) }
            .filter { $0.count > 0 }
            .sorted { ($0.post.createdAt, $0.post.id) > ($1.post.createdAt, $1.post.id) }
            .prefix(2)
            .map { Evidence(postId: $0.post.id, url: $0.post.url, count: 1, detail: "answer to someone else") }
        return Component(name: "responsiveness", raw: share, normalized: normalized, weight: 0, contribution: 0,
                         measured: true, reason: reason, evidence: Array(evidence) + context.messageEvidence)
    }

    func consistency() -> Component {
        guard !context.own.isEmpty else { return ScoreModel.unmeasured("consistency", "no own posts in the window") }
        let (active, weeks) = context.activeWeeks
        let raw = Double(active) / Double(weeks)
        return Component(name: "consistency", raw: raw, normalized: RobustStatistics.saturatingShare(raw, halfAt: NetworkCalibration.consistencyHalf),
                         weight: 0, contribution: 0, measured: true,
                         reason: "posted in \(active) of the window's \(weeks) weeks; shown, not scored: posting more often is not merit")
    }

    func recognition() -> Component {
        if let reason = context.calibration.noRecognition { return ScoreModel.unmeasured("recognition", reason) }
        guard let raw = point.raw[.recognition] else {
            return unmeasured("recognition", .recognition, "no source shows endorsements or recommendations")
        }
        return scored(.recognition, reason: "\(Int(raw)) = distinct endorsers + 2 × distinct recommenders in the window, "
                      + "scored S(\(Int(raw)), \(ScoreModel.format(context.calibration.recognition))) = "
                      + ScoreModel.format(point.normalized[.recognition] ?? 0))
    }

    func audience() -> Component {
        guard let audience = context.input.audience else {
            return ScoreModel.unmeasured("audience", "no source states the follower or connection count")
        }
        let raw = Double(max(0, audience))
        return Component(name: "audience", raw: raw, normalized: RobustStatistics.logDamped(raw, full: context.calibration.audienceFull),
                         weight: 0, contribution: 0, measured: true,
                         reason: "\(audience) followers or connections; shown, not scored: followers measure popularity and are cheap to buy")
    }
}
