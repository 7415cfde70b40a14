import Foundation
import PersonaModel
import PersonaSources
import Testing
import TestSupport
@testable import PersonaScoring

/// The worked example of Docs/scoring-formula-1.md (formula 1, kept for the validity benchmark
/// and for reading older history), reproduced to the digit the document shows.
@Suite struct FormulaOneWorkedExampleTests {
    static func example() -> ScoreModel.Input {
        let end = Date(timeIntervalSince1970: 1_780_000_000)
        func day(_ daysAgo: Double) -> Date { end.addingTimeInterval(-daysAgo * 86400) }
        // Eight originals, one a week; the last drew 30 replies, two of them the persona's own.
        let originals: [(days: Double, replies: Int, reposts: Int, likes: Int)] = [
            (1, 0, 0, 1), (8, 1, 0, 2), (15, 1, 1, 2), (22, 2, 1, 3), (29, 2, 1, 4), (36, 3, 2, 5), (43, 4, 2, 6), (50, 30, 12, 80),
        ]
        var posts = originals.enumerated().map { index, post in
            Post(id: "o\(index + 1)", createdAt: day(post.days), kind: .original, text: "",
                 counts: EngagementCounts(replies: post.replies, reposts: post.reposts, likes: post.likes))
        }
        // Four replies to other people.
        for (index, post) in [(2.0, 1), (9, 0), (16, 2), (57, 1)].enumerated() {
            posts.append(Post(id: "r\(index + 1)", createdAt: day(post.0), kind: .reply, text: "",
                              counts: EngagementCounts(replies: 0, reposts: 0, likes: post.1), inReplyTo: "elsewhere-\(index)"))
        }
        // Two self-replies in o8's thread.
        for index in 1...2 {
            posts.append(Post(id: "s\(index)", createdAt: day(49.9), kind: .selfReply, text: "",
                              counts: EngagementCounts(replies: 0, reposts: 0, likes: 3), inReplyTo: "o8"))
        }
        return ScoreModel.Input(calibration: PersonaBuilder.calibration(.mastodon), posts: posts, audience: 420, windowStart: day(90), windowEnd: end)
    }

    @Test func workedExampleFromTheDocs() throws {
        let score = ScoreModel.score(Self.example(), formula: .one)
        let table = Dictionary(uniqueKeysWithValues: score.components.map { ($0.name, $0) })
        let expected: [WorkedRow] = [
            ("conversation", "2.167", "68.42", "0.2526", "0.8571", "14.82"),
            ("responsiveness", "0.333", "71.43", "0.2105", "1.0000", "15.04"),
            ("amplification", "0.625", "38.46", "0.1474", "0.8571", "4.86"),
            ("applause", "2.500", "55.56", "0.0842", "0.8571", "4.01"),
            ("depth", "5.000", "62.50", "0.1263", "0.8571", "6.77"),
            ("consistency", "0.692", "91.84", "0.1263", "1.0000", "11.60"),
            ("audience", "420.000", "52.49", "0.0526", "1.0000", "2.76"),
        ]
        try expectRows(table, expected)
        #expect(table["recognition"]?.measured == false)
        #expect(table["recognition"]?.reason == "Mastodon has no endorsements or recommendations")
        #expect(table["conversation"]?.reason.contains("2 of the persona's own replies removed") == true)
        #expect(table["depth"]?.reason == "t factor: 5 of 12 posts each earned at least 5 reactions from others")
        #expect(table["consistency"]?.reason == "posted in 9 of the window's 13 weeks")
        #expect(score.value == 59.9)
        #expect(score.coverage == 0.95) // all but recognition (0.05)
        #expect(score.sample == Sample(posts: 12, interactions: 167, originals: 8, replies: 4, selfRepliesLeftOut: 2, reactions: 167,
                                       messagesReceived: 0, endorsementsReceived: 0, recommendationsReceived: 0, invitationsReceived: 0))
        #expect(score.calibration?.basis == .default)
    }
}

/// Each row of a worked example's table: raw to 3 decimals, normalised to 2, weight and factor to
/// 4, points to 2, as the documents print them.
typealias WorkedRow = (String, raw: String, normalized: String, weight: String, factor: String, contribution: String)

func expectRows(_ table: [String: Component], _ rows: [WorkedRow]) throws {
    func two(_ value: Double?) -> String { String(format: "%.2f", value ?? -1) }
    for row in rows {
        let component = try #require(table[row.0])
        #expect(String(format: "%.3f", component.raw ?? -1) == row.raw, "\(row.0) raw")
        #expect(two(component.normalized) == row.normalized, "\(row.0) normalized")
        #expect(String(format: "%.4f", component.weight) == row.weight, "\(row.0) weight")
        #expect(String(format: "%.4f", component.factor) == row.factor, "\(row.0) factor")
        #expect(two(component.contribution) == row.contribution, "\(row.0) contribution")
    }
}

/// Docs/scoring.md states the calibration table; the code holds it. They must agree.
@Suite struct CalibrationDocsTests {
    @Test func calibrationTableMatchesTheDocs() throws {
        let text = try String(contentsOfFile: TestPaths.packageRoot.appendingPathComponent("Docs/scoring.md").path, encoding: .utf8)
        var seen: Set<Network> = []
        for line in text.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 7, let row = SourceRegistry.descriptor(Network(cells[0]))?.calibration else { continue }
            let network = row.network
            func number(_ cell: String) -> Double? { Double(cell.replacingOccurrences(of: ",", with: "")) }
            #expect(cells[1] == row.basis.rawValue, "\(network) basis")
            #expect(number(cells[2]) == row.conversation, "\(network) k_conv")
            #expect(number(cells[3]) == row.amplification, "\(network) k_amp")
            #expect(number(cells[4]) == row.applause, "\(network) k_app")
            #expect(number(cells[5]) == row.depth, "\(network) k_depth")
            #expect(number(cells[6]) == row.audienceFull, "\(network) F")
            seen.insert(network)
        }
        #expect(seen == Set(SourceRegistry.networks.map(\.network)))
        // Formula 2's base weights, as its parts table states them.
        for part in FormulaTwo.Part.scored {
            let row = text.split(separator: "\n").first { $0.hasPrefix("| \(part.rawValue) |") && $0.hasSuffix("|") }
            let cell = row?.split(separator: "|").last?.trimmingCharacters(in: .whitespaces)
            #expect(cell.flatMap(Double.init) == part.baseWeight, "\(part.rawValue) weight \(part.baseWeight) in the parts table")
        }
    }

    /// Docs/scoring-formula-1.md states formula 1's weights; the code holds them.
    @Test func formulaOneWeightsMatchTheirDocs() throws {
        let text = try String(contentsOfFile: TestPaths.packageRoot.appendingPathComponent("Docs/scoring-formula-1.md").path, encoding: .utf8)
        let weights = NetworkCalibration.Weights.standard
        for (name, weight) in [("conversation", weights.conversation), ("responsiveness", weights.responsiveness),
                               ("amplification", weights.amplification), ("applause", weights.applause), ("depth", weights.depth),
                               ("consistency", weights.consistency), ("recognition", weights.recognition), ("audience", weights.audience)] {
            let row = text.split(separator: "\n").first { $0.hasPrefix("| \(name) |") && $0.contains("normalised") == false && $0.hasSuffix("|") }
            let cell = row?.split(separator: "|").last?.trimmingCharacters(in: .whitespaces)
            #expect(cell.flatMap(Double.init) == weight, "\(name) weight \(weight) in the components table")
        }
    }
}
