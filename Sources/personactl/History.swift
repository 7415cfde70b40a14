import ArgumentParser
import Foundation
import PersonaModel
import PersonaStore
#if canImport(Glibc)
import Glibc
#endif

/// `personactl history ID [--since DATE]`: the persona's score and each component over time, read
/// from the store (read-only), with a sparkline per line on the same 0–100 scale.
struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One persona's score and each component over time, from the store, with sparklines.")
    @OptionGroup var options: ConfigOption
    @Argument(help: "The persona id.") var id: String
    @Option(name: .long, help: "Only entries at or after DATE: YYYY-MM-DD, an RFC 3339 time, or an age such as 30d or 12h.")
    var since: String?
    @Flag(name: .long, help: "Print the entries as JSON, oldest first.") var json = false

    func run() throws {
        do {
            let configuration = try options.load()
            guard let persona = PersonaID(rawValue: id) else { throw Failure("'\(id)' is not a persona id") }
            let start = try since.map { text in
                guard let date = Self.date(text) else {
                    throw Failure("--since '\(text)': not a date (use YYYY-MM-DD, an RFC 3339 time, or an age such as 30d or 12h)", code: 64)
                }
                return date
            }
            let entries = try Self.read(databasePath: configuration.databasePath, persona: persona, since: start)
            if entries.isEmpty, !configuration.personas.contains(where: { $0.id == persona }) {
                throw Failure("no persona '\(id)' in the configuration, and no score history for it in \(configuration.databasePath)")
            }
            if json {
                print(Self.json(entries))
            } else {
                print(HistoryText(persona: persona, entries: entries, since: start).lines.joined(separator: "\n"))
            }
        } catch let error as Failure {
            throw fail(error)
        }
    }

    /// The entries, or a failure that names the store and what to fix.
    static func read(databasePath: String, persona: PersonaID, since: Date?) throws -> [HistoryReader.Entry] {
        let reader = try open(databasePath: databasePath)
        do {
            return try reader.entries(persona: persona, since: since)
        } catch {
            throw Failure("\(error)")
        }
    }

    /// The store, opened read-only, or a failure that names it and says what to fix.
    static func open(databasePath: String) throws -> HistoryReader {
        var info = stat()
        if stat(databasePath, &info) != 0 || access(databasePath, R_OK) != 0 {
            if errno == ENOENT { throw Failure("\(databasePath): no such file (has personad run yet?)") }
            throw Failure(unreadable(databasePath))
        }
        do {
            return try HistoryReader(path: databasePath)
        } catch {
            throw Failure("\(error)")
        }
    }

    /// `2026-11-01`, `2026-11-01T10:00:00Z`, or an age: `30d`, `12h`, `90m`.
    static func date(_ text: String, now: Date = Date()) -> Date? {
        if let unit = text.last, let amount = Double(text.dropLast()), amount >= 0 {
            let seconds: Double? = switch unit {
            case "d": 86_400
            case "h": 3_600
            case "m": 60
            case "w": 7 * 86_400
            default: nil
            }
            if let seconds { return now.addingTimeInterval(-amount * seconds) }
        }
        let full = ISO8601DateFormatter()
        full.formatOptions = [.withInternetDateTime]
        if let date = full.date(from: text) { return date }
        full.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = full.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return day.date(from: text)
    }

    static func json(_ entries: [HistoryReader.Entry]) -> String {
        let formatter = ISO8601DateFormatter()
        // Entries may be less than a second apart (a refresh right after a reload).
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let objects: [[String: Any]] = entries.map { entry in
            [
                "generated_at": formatter.string(from: entry.generatedAt),
                "value": entry.value ?? NSNull(),
                "status": entry.status,
                "formula_version": entry.formulaVersion,
                "interval": entry.interval.map { ["low": $0.low, "high": $0.high] as [String: Any] } ?? NSNull(),
                "components": entry.parts.map { part in
                    ["name": part.name, "normalized": part.normalized ?? NSNull(), "contribution": part.contribution ?? NSNull()] as [String: Any]
                },
            ]
        }
        // Only numbers, strings and nulls: serialisation cannot fail on these.
        let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// The text of `personactl history`: a sparkline per line (score, then each component in the
/// order the formula lists them), then one row per entry.
struct HistoryText {
    let persona: PersonaID
    let entries: [HistoryReader.Entry]
    let since: Date?
    /// Sparklines are at most this many characters: longer histories are averaged into buckets.
    static let width = 48

    var lines: [String] {
        guard let first = entries.first, let last = entries.last else {
            let from = since.map { " since \(Self.time($0))" } ?? ""
            return ["\(persona): no score history\(from) yet"]
        }
        var lines = ["\(persona): \(entries.count) score \(entries.count == 1 ? "entry" : "entries"), \(Self.time(first.generatedAt)) to \(Self.time(last.generatedAt)) (UTC)", ""]
        var names: [String] = []
        for entry in entries { for part in entry.parts where !names.contains(part.name) { names.append(part.name) } }
        var summary: [[String]] = [["", "TREND (0–100)", "FIRST", "LAST", "MIN", "MAX"]]
        func line(_ label: String, _ values: [Double?]) {
            let present = values.compactMap { $0 }
            summary.append([label, Sparkline.render(values, width: Self.width), scoreText(values.first ?? nil), scoreText(values.last ?? nil),
                            scoreText(present.min()), scoreText(present.max())])
        }
        line("score", entries.map(\.value))
        for name in names { line(name, entries.map { $0.parts.first { $0.name == name }?.normalized }) }
        lines += tableLines(summary)
        lines.append("")
        var rows: [[String]] = [["TIME (UTC)", "SCORE", "90% INTERVAL", "STATUS", "FORMULA"] + names.map { $0.uppercased() }]
        for entry in entries {
            rows.append([Self.time(entry.generatedAt), scoreText(entry.value), entry.interval.map(intervalText) ?? "-", entry.status,
                         "v\(entry.formulaVersion)"] + names.map { name in scoreText(entry.parts.first { $0.name == name }?.normalized) })
        }
        lines += tableLines(rows)
        return lines
    }

    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}

/// Eight-level block sparklines on a fixed 0–100 scale, so lines and personas compare at a glance;
/// a gap (not measured, insufficient data) is a space.
enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func render(_ values: [Double?], width: Int) -> String {
        guard !values.isEmpty, width > 0 else { return "" }
        let buckets = min(width, values.count)
        return String((0..<buckets).map { bucket -> Character in
            let slice = values[(bucket * values.count / buckets)..<((bucket + 1) * values.count / buckets)].compactMap { $0 }
            guard !slice.isEmpty else { return " " }
            let mean = slice.reduce(0, +) / Double(slice.count)
            let level = Int((min(100, max(0, mean)) / 100 * Double(blocks.count - 1)).rounded())
            return blocks[level]
        })
    }
}
