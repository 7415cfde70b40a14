import Foundation

/// People, not counts, where a source does not name the people: a block of accounts that reacts
/// to every post (a pod, a second account, bought likes) shows in the counts as a floor that
/// every post reaches, with less spread than independent people produce.
///
/// Independent people reacting give counts at least as dispersed as Poisson (real engagement is
/// far more dispersed). So a metric's counts over the persona's originals are taken to hold a
/// block when either
/// - every original reached the floor `f` (the smallest count, at least 1) although a Poisson
///   with the same mean would leave some below it: `P(X ≥ f)^n < 0.01`; or
/// - their variance is below their mean beyond chance: the dispersion statistic
///   `(n − 1) s² / x̄` in the lower 1% of χ²(n − 1).
///
/// A block of `f` accounts is then counted as `f` people once in the window (each adds `1/n` to
/// every post), the rule that applies where the people are named. At least `minimumPosts`
/// originals are needed to say anything.
///
/// - Important: a loyal audience that reacts to everything, unnamed, is indistinguishable from a
///   pod and is counted the same way: as the small group it is.
enum BlockDetection {
    static let minimumPosts = 8
    static let significance = 0.05

    struct Block {
        var floor: Double
        var p: Double
    }

    static func block(_ values: [Double]) -> Block? {
        let n = Double(values.count)
        guard values.count >= minimumPosts, let low = values.min() else { return nil }
        let floor = low.rounded(.down)
        guard floor >= 1 else { return nil }
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        let floorP = exp(n * log(max(1e-300, poissonAtLeast(floor, mean: mean))))
        var p = floorP
        let dispersion = (n - 1) * variance / mean
        if dispersion < n - 1 { p = min(p, chiSquareLowerTail(dispersion, degrees: n - 1)) }
        return p < significance ? Block(floor: floor, p: p) : nil
    }

    /// P(X ≥ k) for X ~ Poisson(mean); a normal approximation past 10,000.
    static func poissonAtLeast(_ k: Double, mean: Double) -> Double {
        guard k > 0 else { return 1 }
        if k > 10_000 { return Statistics.upperNormalTail((k - 0.5 - mean) / mean.squareRoot()) }
        var below = 0.0
        for i in 0..<Int(k) {
            below += exp(-mean + Double(i) * log(mean) - lgamma(Double(i + 1)))
        }
        return max(0, 1 - below)
    }

    /// P(χ²(k) ≤ x), by the series of the regularised lower incomplete gamma P(k/2, x/2).
    static func chiSquareLowerTail(_ x: Double, degrees k: Double) -> Double {
        guard x > 0 else { return 0 }
        let a = k / 2, y = x / 2
        var term = 1 / a, sum = term, denominator = a
        for _ in 0..<500 {
            denominator += 1
            term *= y / denominator
            sum += term
            if term < sum * 1e-12 { break }
        }
        return min(1, sum * exp(-y + a * log(y) - lgamma(a)))
    }
}
