import Foundation
import PersonaModel

/// The scorer's front door: the formula in force, what every formula reads, and the earlier
/// formula kept so that `Benchmarks/validity` can put the two side by side.
///
/// Every formula is a pure function of its input: no clock, no I/O; the same input gives the
/// same score whatever the order of the posts.
///
/// - Important: nothing here combines personas. A score is about one account on one network.
public enum ScoreModel {
    /// The formulas this build can compute; `current` is the one snapshots carry.
    public enum Formula: String, Sendable, CaseIterable {
        case one = "1"
        case two = "2"

        public static let current = Formula.two
    }

    /// The version written into every snapshot and history entry.
    public static let formulaVersion = Formula.current.rawValue

    /// What the scorer reads. Built by the daemon from the store; never touches a network or a file.
    public struct Input: Sendable {
        /// The persona's network's constants (from its descriptor); `calibration.network` is the network.
        public var calibration: NetworkCalibration
        public var network: Network { calibration.network }
        /// The persona's stored posts; the scorer keeps those inside the window.
        public var posts: [Post]
        /// Messages, endorsements, reactions given…; the scorer keeps those inside the window.
        public var interactions: [Interaction]
        /// Identified reactions to the persona's posts, where a source names who reacted.
        public var engagements: [Engagement]
        /// Followers or connections, if a source states them.
        public var audience: Int?
        /// For each metric that none of the persona's sources can measure, why.
        public var unmeasurable: [Metric: String]
        public var windowStart: Date
        public var windowEnd: Date

        public init(calibration: NetworkCalibration, posts: [Post], interactions: [Interaction] = [], engagements: [Engagement] = [],
                    audience: Int? = nil, unmeasurable: [Metric: String] = [:], windowStart: Date, windowEnd: Date) {
            self.calibration = calibration
            self.posts = posts
            self.interactions = interactions
            self.engagements = engagements
            self.audience = audience
            self.unmeasurable = unmeasurable
            self.windowStart = windowStart
            self.windowEnd = windowEnd
        }
    }

    /// The score under the formula in force.
    public static func score(_ input: Input) -> Score { score(input, formula: .current) }

    /// The score under a given formula (the validity benchmark compares them).
    public static func score(_ input: Input, formula: Formula) -> Score {
        switch formula {
        case .one: FormulaOne.score(input)
        case .two: FormulaTwo.score(input)
        }
    }

    /// A component no source of the persona can measure, and why: listed, never a silent zero.
    static func unmeasured(_ name: String, _ reason: String) -> Component {
        Component(name: name, raw: nil, normalized: nil, weight: 0, contribution: nil, measured: false, reason: reason)
    }

    /// The strongest few posts behind a number, with the count that made them evidence.
    static func evidence(_ posts: [(post: Post, count: Double)], _ detail: String, limit: Int = 3) -> [Evidence] {
        posts.filter { $0.count > 0 }
            .sorted { ($0.count, $1.post.id) > ($1.count, $0.post.id) }
            .prefix(limit)
            .map { Evidence(postId: $0.post.id, url: $0.post.url, count: Int($0.count.rounded()), detail: detail) }
    }

    /// At most two decimals, no trailing zeros: "3", "2.5", "0.33".
    static func format(_ value: Double) -> String {
        var text = printf("%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// One double through C's `vsnprintf`: the text `String(format:)` gives (Foundation formats
    /// doubles with the same call), without building an `NSString` for each number of every score.
    static func printf(_ spec: String, _ value: Double) -> String {
        let capacity = 64
        let text = withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer -> String? in
            guard let base = buffer.baseAddress else { return nil }
            let length = withVaList([value]) { vsnprintf(base, capacity, spec, $0) }
            guard length >= 0, length < capacity else { return nil }
            return String(cString: base)
        }
        return text ?? String(format: spec, value) // longer than the buffer (a huge value): rare
    }
}
