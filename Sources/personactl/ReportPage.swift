import Foundation
import Mustache
import PersonaModel
import PersonaSnapshots
import PersonaStore

/// The HTML report: one self-contained page (no scripts, no external assets), a card per persona
/// side by side, never merged. Rendered by swift-mustache from `ReportTemplate`; every text from a
/// snapshot goes through `{{…}}` (HTML-escaped), and only the charts, drawn from numbers by
/// `ReportCharts`, are inserted as they are.
struct ReportPage {
    /// One persona: its snapshot (nil if unreadable, with why) and its history (nil if unreadable, with why).
    struct Card {
        var entry: SnapshotIndex.Entry
        var snapshot: PersonaSnapshot?
        var snapshotProblem: String?
        var history: [HistoryReader.Entry]?
        var historyProblem: String?
    }

    var generatedAt: Date
    var indexGeneratedAt: Date
    var cards: [Card]

    func render() throws -> String {
        let template = try MustacheTemplate(string: ReportTemplate.text)
        let context: [String: Any] = [
            "generatedAt": Self.time(generatedAt),
            "indexGeneratedAt": Self.time(indexGeneratedAt),
            "count": cards.count,
            "cards": cards.map(Self.context),
        ]
        return template.render(context)
    }

    static func time(_ date: Date) -> String { HistoryText.time(date) + " UTC" }

    static func number(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "–" }

    /// A text for a `{{#key}}` section: absent as `NSNull`, never as a missing key (Mustache would
    /// then look the key up in the enclosing card) nor as "" (an empty string is truthy in Mustache).
    static func optional(_ text: String?) -> Any { text.flatMap { $0.isEmpty ? nil : $0 } ?? NSNull() }

    static func context(_ card: Card) -> [String: Any] {
        var context: [String: Any] = [
            "id": card.entry.id, "network": card.entry.network.rawValue, "status": card.entry.status.rawValue,
            "problem": optional(card.snapshotProblem),
        ]
        guard let snapshot = card.snapshot else { return context }
        let score = snapshot.score
        context["handle"] = snapshot.persona.handle
        context["hasValue"] = score.value != nil
        context["value"] = number(score.value)
        context["interval"] = optional(score.interval.map { "\(number($0.low))–\(number($0.high))" })
        context["rangeSVG"] = optional(score.value.map { ReportCharts.interval(score: $0, interval: score.interval) })
        context["statusReason"] = optional(score.statusReason)
        context["coverage"] = score.coverage.map { "\(Int(($0 * 100).rounded()))%" } ?? "–"
        context["window"] = "\(Explanation.day(score.window.start)) – \(Explanation.day(score.window.end))"
        context["posts"] = score.sample.posts
        context["formula"] = score.formulaVersion
        context["components"] = score.components.map { component -> [String: Any] in
            [
                "name": component.name, "measured": component.measured, "scored": component.measured && component.weight > 0,
                "normalized": number(component.normalized),
                "width": String(format: "%.1f", min(100, max(0, component.normalized ?? 0))),
                "weight": "\(Int((component.weight * 100).rounded()))%",
                "points": number(component.contribution),
                "interval": optional(component.interval.map { "\(number($0.low))–\(number($0.high))" }),
                "reason": component.reason,
            ]
        }
        context["evidence"] = evidence(score.components)
        context["sources"] = snapshot.sources.map { source -> [String: Any] in
            ["kind": source.kind.rawValue, "location": source.location, "status": source.status.rawValue,
             "lastSuccess": source.lastSuccess.map(time) ?? "never", "lastError": optional(source.lastError)]
        }
        context["topics"] = snapshot.topics.details.map { topic -> [String: Any] in
            ["topic": topic.topic, "expertise": topic.expertise, "posts": topic.posts,
             "share": "\(Int((topic.share * 100).rounded()))%", "reason": topic.reason,
             "pValue": optional(topic.pValue.map { String(format: "%.3f", $0) })]
        }
        context["hasTopics"] = !snapshot.topics.details.isEmpty
        let trend = card.history.flatMap(ReportCharts.trend)
        context["trendSVG"] = optional(trend)
        if let history = card.history {
            let numbers = history.filter { $0.value != nil }.count
            context["trendNote"] = optional(trend == nil
                ? "\(numbers) history \(numbers == 1 ? "entry" : "entries") with a number so far: a trend needs two." : nil)
        } else {
            context["trendNote"] = "history not read: \(card.historyProblem ?? "unknown reason")"
        }
        return context
    }

    /// The posts that weigh most across the components: each post once, with its largest count,
    /// at most five. Links only where the URL is http(s) (never a `javascript:` or `file:` link).
    static func evidence(_ components: [Component]) -> [[String: Any]] {
        var best: [String: (evidence: Evidence, component: String)] = [:]
        for component in components where component.measured {
            for item in component.evidence where (best[item.postId]?.evidence.count ?? -1) < item.count {
                best[item.postId] = (item, component.name)
            }
        }
        return best.values.sorted { ($0.evidence.count, $1.evidence.postId) > ($1.evidence.count, $0.evidence.postId) }.prefix(5).map { item in
            let url = item.evidence.url.flatMap { URL(string: $0) }.flatMap { ["http", "https"].contains($0.scheme?.lowercased() ?? "") ? $0.absoluteString : nil }
            return ["postId": item.evidence.postId, "url": optional(url), "count": item.evidence.count,
                    "detail": item.evidence.detail ?? item.component]
        }
    }
}
