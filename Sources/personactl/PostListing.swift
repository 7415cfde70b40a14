import Foundation
import PersonaModel
import PersonaSnapshots

/// `personactl explain ID --posts`: every own post in the window as the score counted it, and the
/// sums behind each per-post part, so that a reader can recompute them by hand. Everything comes
/// from the snapshot's `score.posts`; nothing is recomputed but the sums shown.
struct PostListing {
    let snapshot: PersonaSnapshot

    var text: [String] {
        guard let posts = snapshot.score.posts else {
            return ["Posts: this snapshot has no per-post counts (formula \(snapshot.score.formulaVersion) did not write them)."]
        }
        let originals = posts.filter { $0.kind == .original }
        let trimmed: [String: Set<String>] = [
            "replies": trimmedIDs(originals, \.replies), "reposts": trimmedIDs(originals, \.reposts), "likes": trimmedIDs(originals, \.likes),
        ]
        var lines = ["Posts as counted, newest first (reported → counted by others; * = trimmed from the 10% trimmed mean):"]
        var rows = [["KIND", "POSTED", "REPLIES", "REPOSTS", "LIKES", "ADDRESSED", "ANSWER", "POST"]]
        for post in posts {
            func cell(_ name: String, _ path: KeyPath<PostCount.Counts, Double?>) -> String {
                guard let counted = post.counted[keyPath: path] else { return "-" }
                let reported = post.reported[keyPath: path].map(Explanation.number) ?? "-"
                let mark = post.kind == .original && trimmed[name]?.contains(post.postId) == true ? "*" : ""
                return "\(reported) → \(Explanation.number(counted))\(mark)"
            }
            rows.append([
                post.kind.rawValue, Explanation.day(post.createdAt), cell("replies", \.replies), cell("reposts", \.reposts),
                cell("likes", \.likes), Explanation.number(post.addressed), post.answerCredit.map(Explanation.number) ?? "-",
                post.postId + (post.url.map { $0 == post.postId ? "" : " <\($0)>" } ?? ""),
            ])
        }
        lines += table(rows)
        lines.append("")
        lines.append("Sums behind the parts (reach on originals only):")
        for (name, path) in [("replies", \PostCount.Counts.replies), ("reposts", \.reposts), ("likes", \.likes)] {
            let values = originals.compactMap { $0.counted[keyPath: path] }
            guard !values.isEmpty else { continue }
            let kept = values.count - (trimmed[name]?.count ?? 0)
            let keptSum = originals.filter { trimmed[name]?.contains($0.postId) != true }.compactMap { $0.counted[keyPath: path] }.reduce(0, +)
            lines.append("  \(name): \(values.count) originals, \(values.count - kept) trimmed, the other \(kept) sum to "
                + "\(Explanation.number(keptSum)): trimmed mean \(Explanation.number(kept > 0 ? keptSum / Double(kept) : 0))")
        }
        let reached = originals.filter { post in
            let parts = [post.counted.replies, post.counted.reposts].compactMap { $0 }
            return parts.isEmpty ? (post.counted.likes ?? 0) >= 1 : parts.reduce(0, +) >= 1
        }
        lines.append("  depth: \(reached.count) of \(originals.count) originals drew at least one person's reply or repost")
        let credit = posts.compactMap(\.answerCredit).reduce(0, +)
        let addressed = posts.map(\.addressed).reduce(0, +)
        lines.append("  responsiveness: answers sum to \(Explanation.number(credit)); people who addressed the persona under its posts "
            + "sum to \(Explanation.number(addressed)) (message threads are added in the component's reason)")
        return lines
    }

    /// The posts a 10% trimmed mean drops: ⌈10%⌉ (at least one) from each end, the lowest and the
    /// highest values (ties: the older post first, as the scorer's order); none below three values.
    func trimmedIDs(_ originals: [PostCount], _ path: KeyPath<PostCount.Counts, Double?>) -> Set<String> {
        let measured = originals.reversed().compactMap { post in post.counted[keyPath: path].map { (post.postId, $0) } }
        guard measured.count >= 3 else { return [] }
        let trim = max(1, Int((Double(measured.count) * 0.1).rounded(.up)))
        let sorted = measured.enumerated().sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }.map(\.element.0)
        return Set(sorted.prefix(trim) + sorted.suffix(trim))
    }

    func table(_ rows: [[String]]) -> [String] {
        guard let columns = rows.first?.count else { return [] }
        let widths = (0..<columns).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            "  " + row.enumerated().map { column, cell in
                column == columns - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}
