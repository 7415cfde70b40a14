import Foundation

/// The 90% interval of formula 2: a seeded bootstrap over the persona's posts.
///
/// Each of `resamples` rounds draws the originals and the replies to others with replacement
/// (each as many as there are) and evaluates the formula again; the interval runs from the 5th
/// to the 95th percentile of the results. The seed is fixed, and the posts are in a fixed order
/// (oldest first, then by id), so the same input always gives the same interval.
///
/// - Important: messages, endorsements and recommendations are not resampled (they are not
///   posts), and engager weights are computed once from all posts; the interval is about which
///   posts the window happened to hold. The score's interval holds the reciprocity factor at its
///   point value: an answer cannot be paired with the reply it answers, so resampling replies
///   received and answers apart would let them cancel (more replies, a lower answered share) and
///   make the interval falsely narrow. Responsiveness has its own interval.
struct Bootstrap {
    static let resamples = 200
    static let level = 0.90
    static let seed: UInt64 = 0x5EED_0002

    /// The 5th and 95th percentiles of each named value over the resamples.
    struct Result {
        var score: (low: Double, high: Double)?
        var components: [FormulaTwo.Part: (low: Double, high: Double)] = [:]
    }

    static func run(_ table: PostTable, weights: PostTable.PartValues, factor: Double) -> Result {
        var generator = Generator(state: seed)
        var scores: [Double] = []
        scores.reserveCapacity(resamples)
        var parts = [[Double]](repeating: [], count: FormulaTwo.Part.allCases.count)
        // The originals drawn are kept as copies per original (the same draws, in the same order,
        // as drawing a list): the table's trimmed means then need no sort per round.
        var counts = [Int](repeating: 0, count: table.originals.count)
        var replies = table.replies
        for _ in 0..<resamples {
            for position in counts.indices { counts[position] = 0 }
            for _ in 0..<counts.count { counts[generator.below(counts.count)] += 1 }
            for position in replies.indices { replies[position] = table.replies[generator.below(table.replies.count)] }
            let evaluation = table.evaluate(originalCounts: counts, replies: replies)
            if let total = evaluation.total(weights: weights, factor: factor) { scores.append(total) }
            for (index, part) in FormulaTwo.Part.allCases.enumerated() {
                if let value = evaluation.normalized[part] { parts[index].append(value) }
            }
        }
        var result = Result()
        result.score = percentiles(scores)
        for (index, part) in FormulaTwo.Part.allCases.enumerated() { result.components[part] = percentiles(parts[index]) }
        return result
    }

    /// The (1 − level) / 2 and (1 + level) / 2 quantiles, nearest rank; `nil` for no values.
    static func percentiles(_ values: [Double]) -> (low: Double, high: Double)? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let tail = (1 - level) / 2
        let low = sorted[min(sorted.count - 1, Int((tail * Double(sorted.count)).rounded(.down)))]
        let high = sorted[max(0, min(sorted.count - 1, Int(((1 - tail) * Double(sorted.count)).rounded(.up)) - 1))]
        return (low, high)
    }

    /// SplitMix64: small, fast, and the same sequence on every platform for a seed.
    struct Generator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            return TemplateReplies.mix(state &- 0x9E37_79B9_7F4A_7C15)
        }

        /// Uniform in 0..<bound (bound > 0); the modulo bias is below 1e-15 for any post count.
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }
}
