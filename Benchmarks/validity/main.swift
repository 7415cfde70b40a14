import Foundation
import PersonaModel
import PersonaScoring
import PersonaSources

// The validity benchmark (`Benchmarks/validity/run.sh`): simulated personas whose latent
// influence is known, through the real scorer, formula 1 and formula 2 side by side.
// Usage: personad-validity [personas per network]   (default 1000)

let perNetwork = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 1000
let tacticPersonas = max(50, perNetwork / 4)

func network(_ id: Network, replies: Bool = true, names: Bool = false) -> SimulatedNetwork? {
    SourceRegistry.descriptor(id).map { SimulatedNetwork(calibration: $0.calibration, measuresReplies: replies, namesEngagers: names) }
}
let networks = [
    network(.mastodon, names: true), network(.bluesky, names: true), network(.x, replies: false), network(.reddit),
    network(.instagram),
].compactMap { $0 }

/// Spearman's rank correlation (mid-ranks for ties).
func spearman(_ pairs: [(Double, Double)]) -> Double {
    func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
            for position in start...end { ranks[order[position]] = Double(start + end) / 2 }
            start = end + 1
        }
        return ranks
    }
    let a = ranks(pairs.map(\.0)), b = ranks(pairs.map(\.1))
    let n = Double(pairs.count)
    guard n > 2 else { return 0 }
    let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
    var cov = 0.0, va = 0.0, vb = 0.0
    for i in a.indices {
        cov += (a[i] - ma) * (b[i] - mb)
        va += (a[i] - ma) * (a[i] - ma)
        vb += (b[i] - mb) * (b[i] - mb)
    }
    return va > 0 && vb > 0 ? cov / (va * vb).squareRoot() : 0
}

func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

struct Figures {
    var spearman: [String: Double] = [:]
    var scored: [String: Double] = [:]
    /// Mean gain per tactic where engagers are named (Mastodon, Bluesky) and where only counts are.
    var gains: [Tactic: Double] = [:]
    var gainsNamed: [Tactic: Double] = [:]
    var gainsCounts: [Tactic: Double] = [:]
    var retest = 0.0
    var falseExpertise = 0.0
    var expertBeatsBrand = 0.0
}

func measure(_ formula: ScoreModel.Formula) -> Figures {
    var figures = Figures()
    var rng = Random(state: 2026)
    var nullPersonas = 0, withExpertise = 0
    for net in networks {
        var pairs: [(Double, Double)] = []
        for index in 0..<perNetwork {
            let persona = SimulatedPersona(habits: SimulatedPersona.draw(net, &rng), seed: rng.next())
            let score = ScoreModel.score(persona.input(), formula: formula)
            if let value = score.value { pairs.append((value, persona.habits.influence)) }
            if score.topics.details.contains(where: { $0.medianResponse != nil }) {
                nullPersonas += 1
                if !score.topics.expertise.isEmpty { withExpertise += 1 }
            }
            _ = index
        }
        figures.spearman[net.name] = spearman(pairs)
        if ProcessInfo.processInfo.environment["VALIDITY_COMPONENTS"] != nil {
            var check = Random(state: 99)
            var parts: [String: [(Double, Double)]] = [:]
            for _ in 0..<perNetwork {
                let persona = SimulatedPersona(habits: SimulatedPersona.draw(net, &check), seed: check.next())
                for component in ScoreModel.score(persona.input(), formula: formula).components {
                    if let value = component.normalized { parts[component.name, default: []].append((value, persona.habits.influence)) }
                }
            }
            let line = parts.keys.sorted().map { "\($0) \(String(format: "%.2f", spearman(parts[$0] ?? [])))" }.joined(separator: ", ")
            FileHandle.standardError.write(Data("formula \(formula.rawValue) \(net.name): \(line)\n".utf8))
        }
        figures.scored[net.name] = Double(pairs.count) / Double(perNetwork)

        // Tactics: the same persona and draws, with and without.
        for _ in 0..<tacticPersonas {
            let habits = SimulatedPersona.draw(net, &rng)
            let seed = rng.next()
            let base = ScoreModel.score(SimulatedPersona(habits: habits, seed: seed).input(), formula: formula).value
            for tactic in Tactic.allCases {
                let persona = SimulatedPersona(habits: tactic.habits(habits), seed: seed)
                let gamed = ScoreModel.score(persona.input { posts, engagements, audience, rng in
                    tactic.apply(&posts, &engagements, &audience, &rng, names: net.namesEngagers)
                }, formula: formula).value
                guard let base, let gamed else { continue }
                let share = networks.filter { $0.namesEngagers == net.namesEngagers }.count
                figures.gains[tactic, default: 0] += (gamed - base) / Double(tacticPersonas * networks.count)
                if net.namesEngagers {
                    figures.gainsNamed[tactic, default: 0] += (gamed - base) / Double(tacticPersonas * share)
                } else {
                    figures.gainsCounts[tactic, default: 0] += (gamed - base) / Double(tacticPersonas * share)
                }
            }
        }
    }
    figures.falseExpertise = nullPersonas == 0 ? 0 : Double(withExpertise) / Double(nullPersonas)

    // Test–retest: two independent windows of the same persona at 20 originals.
    var differences: [Double] = []
    for net in networks {
        for _ in 0..<tacticPersonas {
            var habits = SimulatedPersona.draw(net, &rng)
            habits.originals = 20
            let first = ScoreModel.score(SimulatedPersona(habits: habits, seed: rng.next()).input(), formula: formula).value
            let second = ScoreModel.score(SimulatedPersona(habits: habits, seed: rng.next()).input(), formula: formula).value
            if let first, let second { differences.append(first - second) }
        }
    }
    figures.retest = (mean(differences.map { $0 * $0 }) / 2).squareRoot()

    // A brand with twice the reach that answers a quarter of its repliers with templates, against
    // an expert who answers most of them in their own words.
    var expertWins = 0, compared = 0
    for net in networks where net.measuresReplies {
        for _ in 0..<tacticPersonas {
            var brand = SimulatedPersona.draw(net, &rng)
            brand.influence = 2; brand.answerRate = 0.25; brand.templated = true; brand.originals = 60
            var expert = brand
            expert.influence = 1; expert.answerRate = 0.85; expert.templated = false; expert.originals = 20
            let b = ScoreModel.score(SimulatedPersona(habits: brand, seed: rng.next()).input(), formula: formula).value
            let e = ScoreModel.score(SimulatedPersona(habits: expert, seed: rng.next()).input(), formula: formula).value
            if let b, let e {
                compared += 1
                if e > b { expertWins += 1 }
            }
        }
    }
    figures.expertBeatsBrand = compared == 0 ? 0 : Double(expertWins) / Double(compared)
    return figures
}

func expertiseUnderEffect(_ formula: ScoreModel.Formula) -> Double {
    // Power: one topic draws three times the response of the others.
    var rng = Random(state: 7)
    var found = 0, total = 0
    for net in networks where net.measuresReplies {
        for _ in 0..<tacticPersonas {
            let habits = SimulatedPersona.draw(net, &rng, topicEffect: [3, 1, 1, 1])
            let score = ScoreModel.score(SimulatedPersona(habits: habits, seed: rng.next()).input(), formula: formula)
            total += 1
            if score.topics.expertise.contains("t0") { found += 1 }
        }
    }
    return total == 0 ? 0 : Double(found) / Double(total)
}

let one = measure(.one), two = measure(.two)
let powerOne = expertiseUnderEffect(.one), powerTwo = expertiseUnderEffect(.two)
func f(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

print("Validity: \(perNetwork) simulated personas per network (\(networks.map(\.name).joined(separator: ", "))), "
      + "\(tacticPersonas) per network for each tactic and check.")
print("")
print("| measure | formula 1 | formula 2 | target |")
print("|---|---:|---:|---|")
for net in networks {
    print("| spearman(score, latent influence), \(net.name) | \(f(one.spearman[net.name] ?? 0)) | \(f(two.spearman[net.name] ?? 0)) | ≥ 0.85 |")
}
for net in networks {
    print("| share given a number, \(net.name) | \(f(one.scored[net.name] ?? 0)) | \(f(two.scored[net.name] ?? 0)) | |")
}
for tactic in Tactic.allCases {
    print("| gain in points: \(tactic.rawValue) | \(f(one.gains[tactic] ?? 0, 1)) | \(f(two.gains[tactic] ?? 0, 1)) | ≤ 3 |")
}
for tactic in [Tactic.pod, .sockPuppet, .boughtLikes] {
    print("| … where engagers are named / counts only: \(tactic.rawValue) | \(f(one.gainsNamed[tactic] ?? 0, 1)) / \(f(one.gainsCounts[tactic] ?? 0, 1)) "
          + "| \(f(two.gainsNamed[tactic] ?? 0, 1)) / \(f(two.gainsCounts[tactic] ?? 0, 1)) | ≤ 3 |")
}
print("| test-retest SD at 20 originals (points) | \(f(one.retest, 1)) | \(f(two.retest, 1)) | ≤ 4 |")
print("| null personas with any expertise | \(f(one.falseExpertise, 3)) | \(f(two.falseExpertise, 3)) | ≤ 0.05 |")
print("| personas whose 3x topic is found as expertise | \(f(powerOne, 3)) | \(f(powerTwo, 3)) | |")
print("| expert (answers 85%) above a brand with 2x reach (answers 25%, templates) | \(f(one.expertBeatsBrand, 3)) | \(f(two.expertBeatsBrand, 3)) | |")
print("")
let r = two.spearman.values.min() ?? 0
let g = two.gains.values.max() ?? 0

// What a score costs: the scorer alone, per persona, by the number of originals (answers and
// strangers' replies as the habits draw them).
print("")
print("| originals per persona | formula 1 ms per score | formula 2 ms per score |")
print("|---:|---:|---:|")
for size in [20, 200, 2000, 20000] {
    var rng = Random(state: UInt64(size))
    guard let net = networks.first else { break }
    var habits = SimulatedPersona.draw(net, &rng)
    habits.originals = size
    let input = SimulatedPersona(habits: habits, seed: rng.next()).input()
    let rounds = max(1, 2000 / size)
    var costs: [Double] = []
    for formula in [ScoreModel.Formula.one, .two] {
        let clock = ContinuousClock()
        let elapsed = clock.measure { for _ in 0..<rounds { _ = ScoreModel.score(input, formula: formula) } }
        costs.append(Double(elapsed.components.seconds) * 1000 / Double(rounds) + Double(elapsed.components.attoseconds) / 1e15 / Double(rounds))
    }
    print("| \(size) | \(f(costs[0], 2)) | \(f(costs[1], 2)) |")
}

print("")
print("validity: spearman=\(f(r)) gaming_max_gain=\(f(g, 1)) retest_sd20=\(f(two.retest, 1)) false_expertise=\(f(two.falseExpertise, 3))")
