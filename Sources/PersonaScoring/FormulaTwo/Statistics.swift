import Foundation

/// The two one-sided tests behind expertise. Both return a p-value and an effect size on the
/// same scale: the probability that a post on the topic draws more than the comparison (ties
/// half), so 0.5 is no difference and 1 is "always more".
enum Statistics {
    /// Mann–Whitney U for "x tends to be larger than y": mid-ranks for ties, the normal
    /// approximation with the tie correction of the variance and a continuity correction.
    static func mannWhitneyGreater(_ x: [Double], _ y: [Double]) -> (p: Double, effect: Double) {
        let n1 = Double(x.count), n2 = Double(y.count)
        guard n1 > 0, n2 > 0 else { return (1, 0.5) }
        let pooled = (x.map { ($0, true) } + y.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var rankSumX = 0.0
        var tieTerm = 0.0
        var start = 0
        while start < pooled.count {
            var end = start
            while end + 1 < pooled.count, pooled[end + 1].0 == pooled[start].0 { end += 1 }
            let midRank = Double(start + end + 2) / 2
            let ties = Double(end - start + 1)
            tieTerm += ties * ties * ties - ties
            for index in start...end where pooled[index].1 { rankSumX += midRank }
            start = end + 1
        }
        let u = rankSumX - n1 * (n1 + 1) / 2
        let n = n1 + n2
        let variance = n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        let effect = u / (n1 * n2)
        guard variance > 0 else { return (1, effect) }
        let z = (u - n1 * n2 / 2 - 0.5) / variance.squareRoot()
        return (upperNormalTail(z), effect)
    }

    /// The sign test for "x tends to be above `value`": exact binomial tail over the values that
    /// differ from it.
    static func signTestGreater(_ x: [Double], than value: Double) -> (p: Double, effect: Double) {
        let above = x.filter { $0 > value }.count
        let differing = x.filter { $0 != value }.count
        let ties = x.count - differing
        let effect = x.isEmpty ? 0.5 : (Double(above) + Double(ties) / 2) / Double(x.count)
        guard differing > 0 else { return (1, effect) }
        return (binomialUpperTail(successes: above, trials: differing), effect)
    }

    /// P(Z ≥ z) for a standard normal Z.
    static func upperNormalTail(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

    /// P(X ≥ k) for X ~ Binomial(n, 1/2), summed in log space so that large n cannot overflow.
    static func binomialUpperTail(successes k: Int, trials n: Int) -> Double {
        guard k > 0 else { return 1 }
        guard k <= n else { return 0 }
        let logHalfN = Double(n) * log(0.5)
        var total = 0.0
        for i in k...n {
            total += exp(lgamma(Double(n + 1)) - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1)) + logHalfN)
        }
        return min(1, total)
    }
}
