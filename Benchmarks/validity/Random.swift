import Foundation

/// SplitMix64 with the few distributions the simulation draws from. Seeded, so every run of the
/// benchmark sees the same personas.
struct Random {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }

    mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-300), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    /// Gamma(shape, scale 1) by Marsaglia and Tsang; shape < 1 through the boost u^(1/shape).
    mutating func gamma(_ shape: Double) -> Double {
        if shape < 1 { return gamma(shape + 1) * pow(max(uniform(), 1e-300), 1 / shape) }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            let x = normal(), v = pow(1 + c * x, 3)
            if v <= 0 { continue }
            if log(max(uniform(), 1e-300)) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }

    mutating func beta(_ a: Double, _ b: Double) -> Double {
        let x = gamma(a), y = gamma(b)
        return x / (x + y)
    }

    /// Poisson: Knuth's product below 30, a rounded normal above (the counts only need the shape).
    mutating func poisson(_ mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean > 30 { return max(0, Int((mean + mean.squareRoot() * normal()).rounded())) }
        let limit = exp(-mean)
        var k = 0, p = uniform()
        while p > limit { k += 1; p *= uniform() }
        return k
    }

    /// Negative binomial by its mean and dispersion `r` (variance μ + μ²/r): a gamma-mixed Poisson.
    mutating func negativeBinomial(mean: Double, dispersion r: Double) -> Int {
        poisson(gamma(r) * mean / r)
    }
}
