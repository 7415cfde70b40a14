import Foundation
import PersonaModel

/// Interest is not expertise, decided by a test (formula 2).
///
/// An interest is a tag on at least two own posts. Expertise compares the topic's **original**
/// posts with the persona's other originals on *substantive* response from distinct people:
/// replies and reposts by others (likes are popularity, not expertise; replies under the
/// persona's own questions are help received). The comparison is a one-sided Mann–Whitney test
/// (normal approximation with tie and continuity corrections); a persona with fewer than three
/// other originals is compared with its network's typical response instead (a sign test against
/// `k_conv + k_amp`). The p-values of all topics tested are corrected together (Holm), and a topic
/// is expertise when its corrected p-value is below 0.05.
enum FormulaTwoTopics {
    static let limit = 10
    static let minimumPosts = 3
    static let alpha = 0.05

    struct Candidate {
        var tag: String
        var tagged: [Int]
        var detail: TopicDetail
        var rawP: Double?
    }

    static func topics(_ context: ScoreContext, table: PostTable) -> Topics {
        let posts = context.own
        guard !posts.isEmpty else { return Topics() }
        let interests = context.interests(limit: limit)

        // Substantive response per original: replies (not under its own questions) and reposts.
        let substantive: [Int: Double] = Dictionary(uniqueKeysWithValues: table.originals.compactMap { index in
            let asks = posts[index].text.utf8.contains(UInt8(ascii: "?")) // bytes: no Foundation search per post
            let parts = [asks ? nil : table.conversation[index], table.amplification[index]].compactMap { $0 }
            let measured = table.conversation[index] != nil || table.amplification[index] != nil
            return measured ? (index, parts.reduce(0, +)) : nil
        })
        let typical = context.calibration.conversation + context.calibration.amplification

        var candidates: [Candidate] = []
        for (tag, tagged) in interests {
            let share = (Double(tagged.count) / Double(posts.count) * 1000).rounded() / 1000
            let onTopic = Set(tagged)
            let topic = tagged.compactMap { substantive[$0] }
            let others = table.originals.filter { !onTopic.contains($0) }.compactMap { substantive[$0] }
            var detail = TopicDetail(topic: tag, posts: tagged.count, share: share,
                                     medianResponse: topic.isEmpty ? nil : RobustStatistics.median(topic),
                                     baselineResponse: nil, expertise: false, reason: "", evidence: [])
            var rawP: Double?
            if substantive.isEmpty {
                let likes = table.originals.contains { table.applause[$0] != nil }
                detail.reason = "no source measures replies or reposts on the persona's originals, so it cannot be expertise"
                    + (likes ? " (likes alone are popularity)" : "")
            } else if topic.count < minimumPosts {
                detail.reason = "\(topic.count) original posts with measured response; expertise needs at least \(minimumPosts)"
            } else if others.count >= minimumPosts {
                let test = Statistics.mannWhitneyGreater(topic, others)
                detail.baselineResponse = RobustStatistics.median(others)
                detail.effectSize = (test.effect * 1000).rounded() / 1000
                detail.test = "Mann–Whitney, \(topic.count) originals on the topic against \(others.count) other originals"
                rawP = test.p
            } else {
                let test = Statistics.signTestGreater(topic, than: typical)
                detail.baselineResponse = typical
                detail.effectSize = (test.effect * 1000).rounded() / 1000
                detail.test = "sign test, \(topic.count) originals on the topic against the network's typical "
                    + "\(ScoreModel.format(typical)) replies and reposts (too few other originals to compare with)"
                rawP = test.p
            }
            candidates.append(Candidate(tag: tag, tagged: tagged, detail: detail, rawP: rawP))
        }

        // Holm: the i-th smallest of m p-values is multiplied by (m − i), running maximum kept.
        let tested = candidates.indices.filter { candidates[$0].rawP != nil }
            .sorted { (candidates[$0].rawP ?? 1, candidates[$0].tag) < (candidates[$1].rawP ?? 1, candidates[$1].tag) }
        var running = 0.0
        for (rank, index) in tested.enumerated() {
            running = max(running, min(1, (candidates[index].rawP ?? 1) * Double(tested.count - rank)))
            let adjusted = running
            candidates[index].detail.pValue = (adjusted * 10000).rounded() / 10000
            let expertise = adjusted < alpha
            candidates[index].detail.expertise = expertise
            let median = ScoreModel.format(candidates[index].detail.medianResponse ?? 0)
            let base = ScoreModel.format(candidates[index].detail.baselineResponse ?? 0)
            candidates[index].detail.reason = "median \(median) replies and reposts per original against \(base); "
                + "p = \(ScoreModel.printf("%.2g", adjusted))" + (tested.count > 1 ? " after correcting for \(tested.count) topics" : "")
                + (expertise ? "" : ": not clearly more")
            if expertise {
                let evidence = candidates[index].tagged.compactMap { i in substantive[i].map { (post: posts[i], count: $0) } }
                candidates[index].detail.evidence = ScoreModel.evidence(evidence, "replies and reposts by others")
            }
        }
        let details = candidates.map(\.detail)
        let expertise = details.filter(\.expertise)
            .sorted { ($0.pValue ?? 1, $1.effectSize ?? 0, $0.topic) < ($1.pValue ?? 1, $0.effectSize ?? 0, $1.topic) }
            .map(\.topic)
        return Topics(interests: details.map(\.topic), expertise: expertise, details: details)
    }
}
