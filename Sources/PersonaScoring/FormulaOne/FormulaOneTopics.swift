import PersonaModel

/// Interest is not expertise: a topic the persona posts about is an interest; it is expertise
/// only when its posts earn clearly more response from others than the persona's other posts.
enum FormulaOneTopics {
    /// At most this many topics in each list.
    static let limit = 10

    static func topics(_ context: ScoreContext) -> Topics {
        let posts = context.own
        guard !posts.isEmpty else { return Topics() }
        // Responses were computed once per post by the context.
        let candidates = context.interests(limit: limit)
        var details: [TopicDetail] = []
        for (tag, tagged) in candidates {
            let share = Double(tagged.count) / Double(posts.count)
            let responses = tagged.compactMap { index in context.ownResponses[index].map { (post: posts[index], count: $0) } }
            let onTopic = Set(tagged)
            let baseline = posts.indices.filter { !onTopic.contains($0) }.compactMap { context.ownResponses[$0] }
            var medianResponse: Double?
            var baselineResponse: Double?
            var expertise = false
            let reason: String
            if responses.isEmpty {
                reason = "no source measures responses to these posts, so it cannot be expertise"
            } else {
                let median = RobustStatistics.median(responses.map(\.count))
                medianResponse = median
                if tagged.count < FormulaOne.expertiseMinimumPosts {
                    reason = "\(tagged.count) posts; expertise needs at least \(FormulaOne.expertiseMinimumPosts)"
                } else if baseline.count < FormulaOne.expertiseMinimumPosts {
                    reason = "too few posts on other topics (\(baseline.count)) to compare with"
                } else {
                    let base = RobustStatistics.median(baseline)
                    baselineResponse = base
                    expertise = median >= FormulaOne.expertiseRatio * base && median - base >= FormulaOne.expertiseMargin
                    reason = expertise
                        ? "median \(ScoreModel.format(median)) reactions per post against \(ScoreModel.format(base)) on other topics"
                        : "median \(ScoreModel.format(median)) reactions per post against \(ScoreModel.format(base)) on other topics: not clearly more"
                }
            }
            details.append(TopicDetail(
                topic: tag, posts: tagged.count, share: RobustStatistics.rounded(share * 1000) / 1000,
                medianResponse: medianResponse, baselineResponse: baselineResponse, expertise: expertise, reason: reason,
                evidence: expertise ? ScoreModel.evidence(responses, "reactions by others") : []))
        }
        let expertise = details.filter(\.expertise)
            .sorted { (($0.medianResponse ?? 0) - ($0.baselineResponse ?? 0), $1.topic) > (($1.medianResponse ?? 0) - ($1.baselineResponse ?? 0), $0.topic) }
            .map(\.topic)
        return Topics(interests: details.map(\.topic), expertise: expertise, details: details)
    }
}
