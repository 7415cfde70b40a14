import Foundation

/// The few statistics the score is built from, chosen because one outlier cannot move them far.
public enum RobustStatistics {
    /// The median; 0 for no values.
    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// The 10% trimmed mean: drops ⌈10%⌉ of the values (at least one) from each end, then averages
    /// the rest. One viral post (or two in twenty) is dropped whole; unlike the median, it still
    /// tells 0.3 replies per post from 0.
    ///
    /// Below three values nothing can be trimmed from both ends and the median is returned.
    /// Raising any one value never lowers the result (order statistics are monotone).
    public static func trimmedMean(_ values: [Double]) -> Double {
        guard values.count >= 3 else { return median(values) }
        let sorted = values.sorted()
        let trim = max(1, Int((Double(sorted.count) * 0.1).rounded(.up)))
        let kept = sorted[trim..<(sorted.count - trim)]
        return kept.reduce(0, +) / Double(kept.count)
    }

    /// The t factor (Bornmann & Haunschild 2015): the largest `t` such that `t` of the posts each
    /// earned at least `t` reactions. Counts may be fractional (engager-weighted).
    public static func tFactor(_ counts: [Double]) -> Int {
        let sorted = counts.sorted(by: >)
        var t = 0
        while t < sorted.count, sorted[t] >= Double(t + 1) { t += 1 }
        return t
    }

    /// Saturating map of an unbounded count onto 0–100: `100 · x / (x + k)`. `k` scores 50; the
    /// curve never reaches 100, and doubling `x` never doubles the result.
    public static func saturating(_ x: Double, halfAt k: Double) -> Double {
        guard x > 0, k > 0 else { return 0 }
        return 100 * x / (x + k)
    }

    /// Saturating map of a share (0–1) onto 0–100: `100 · x (1 + k) / (x + k)`. A share of 1
    /// scores 100 and a share of `k` scores `50 (1 + k)`; concave, so doubling a share never
    /// doubles the result.
    public static func saturatingShare(_ x: Double, halfAt k: Double) -> Double {
        let x = min(1, max(0, x))
        guard x > 0, k > 0 else { return 0 }
        return 100 * x * (1 + k) / (x + k)
    }

    /// Log-damped size onto 0–100: `100 · log10(1 + n) / log10(1 + full)`, capped at 100.
    public static func logDamped(_ n: Double, full: Double) -> Double {
        guard n > 0, full > 0 else { return 0 }
        return min(100, 100 * log10(1 + n) / log10(1 + full))
    }

    /// Rounds to one decimal, as the snapshot states values.
    public static func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}
