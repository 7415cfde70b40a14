import Foundation
import PersonaModel
import PersonaStore

/// The report's inline SVG, drawn from numbers only: no text from a snapshot ever reaches these
/// strings, which is why the template may insert them unescaped.
enum ReportCharts {
    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A 0–100 track with the 90% interval as a band and the score as a tick.
    static func interval(score: Double, interval: Interval?) -> String {
        let width = 300.0, height = 14.0
        func x(_ value: Double) -> String { number(min(100, max(0, value)) / 100 * width) }
        var svg = #"<svg class="range" viewBox="0 0 \#(Int(width)) \#(Int(height))" width="100%" height="\#(Int(height))" role="img" aria-label="score \#(number(score)) on 0 to 100">"#
        svg += #"<rect x="0" y="5" width="\#(Int(width))" height="4" rx="2" class="track"/>"#
        if let interval {
            let low = min(100, max(0, interval.low)), high = min(100, max(0, interval.high))
            svg += #"<rect x="\#(x(low))" y="2" width="\#(number((high - low) / 100 * width))" height="10" rx="3" class="band"/>"#
        }
        svg += #"<rect x="\#(x(score))" y="0" width="2" height="\#(Int(height))" class="tick"/></svg>"#
        return svg
    }

    /// The score over time on a 0–100 scale, its interval as a band behind it; a gap where there
    /// was no number. Nil when fewer than two entries hold a number (nothing to draw a line through).
    static func trend(_ entries: [HistoryReader.Entry]) -> String? {
        guard entries.filter({ $0.value != nil }).count >= 2, let first = entries.first, let last = entries.last else { return nil }
        let width = 300.0, height = 80.0, pad = 4.0
        let start = first.generatedAt.timeIntervalSince1970, span = max(1, last.generatedAt.timeIntervalSince1970 - start)
        func x(_ entry: HistoryReader.Entry) -> Double { pad + (entry.generatedAt.timeIntervalSince1970 - start) / span * (width - 2 * pad) }
        func y(_ value: Double) -> Double { pad + (1 - min(100, max(0, value)) / 100) * (height - 2 * pad) }
        // Runs of consecutive entries with a number: each is its own line and band.
        var runs: [[HistoryReader.Entry]] = [[]]
        for entry in entries {
            if entry.value == nil { if !(runs.last?.isEmpty ?? true) { runs.append([]) } } else { runs[runs.count - 1].append(entry) }
        }
        var svg = #"<svg class="trend" viewBox="0 0 \#(Int(width)) \#(Int(height))" width="100%" height="\#(Int(height))" role="img" aria-label="score over time">"#
        for grid in [25.0, 50, 75] {
            svg += #"<line x1="0" x2="\#(Int(width))" y1="\#(number(y(grid)))" y2="\#(number(y(grid)))" class="grid"/>"#
        }
        for run in runs where !run.isEmpty {
            let banded = run.filter { $0.interval != nil }
            if banded.count >= 2 {
                let upper = banded.compactMap { entry in entry.interval.map { "\(number(x(entry))),\(number(y($0.high)))" } }
                let lower = banded.reversed().compactMap { entry in entry.interval.map { "\(number(x(entry))),\(number(y($0.low)))" } }
                svg += #"<polygon points="\#((upper + lower).joined(separator: " "))" class="band"/>"#
            }
            let points = run.compactMap { entry in entry.value.map { "\(number(x(entry))),\(number(y($0)))" } }
            if points.count >= 2 { svg += #"<polyline points="\#(points.joined(separator: " "))" class="line"/>"# }
            for entry in run { if let value = entry.value { svg += #"<circle cx="\#(number(x(entry)))" cy="\#(number(y(value)))" r="2" class="dot"/>"# } }
        }
        return svg + "</svg>"
    }
}
