import ArgumentParser
import Foundation
import PersonaModel
import PersonaSnapshots

/// `personactl explain ID`: one persona's score in words, for a person to read. Every number it
/// prints is in the snapshot; nothing is recomputed here.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain one persona's score: every component, why it is what it is, and what moved since the previous score.")
    @OptionGroup var options: ConfigOption
    @Argument(help: "The persona id.") var id: String
    @Flag(name: .long, help: "Also list every own post in the window as the score counted it, with the sums behind each part.")
    var posts = false
    @Flag(name: .long, help: "Print the snapshot file as it is: every number explain prints is in it (score.posts holds the posts).")
    var json = false

    func run() throws {
        do {
            let configuration = try options.load()
            guard PersonaID(rawValue: id) != nil else { throw Failure("'\(id)' is not a persona id") }
            let path = (configuration.snapshotDirectory as NSString).appendingPathComponent("\(id).json")
            if json {
                guard let data = FileManager.default.contents(atPath: path) else { throw Failure(unreadable(path)) }
                FileHandle.standardOutput.write(data)
                return
            }
            let snapshot = try readJSON(PersonaSnapshot.self, at: path)
            print(Explanation(snapshot).text, terminator: "")
            if posts { print("\n" + PostListing(snapshot: snapshot).text.joined(separator: "\n")) }
        } catch let error as Failure {
            throw fail(error)
        }
    }
}

/// The text of `personactl explain`.
struct Explanation {
    let snapshot: PersonaSnapshot
    init(_ snapshot: PersonaSnapshot) { self.snapshot = snapshot }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(format: abs(value) < 10 ? "%.2f" : "%.1f", value)
    }

    static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }

    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }

    var text: String {
        var lines: [String] = []
        let persona = snapshot.persona
        let score = snapshot.score
        lines.append("\(persona.id): \(persona.handle) on \(persona.network)")
        switch score.value {
        case let value?:
            let interval = score.interval.map { ", 90% interval \(scoreText($0.low))–\(scoreText($0.high))" } ?? ""
            lines.append("Score \(scoreText(value)) of 100\(interval) (\(score.status.rawValue)), formula \(score.formulaVersion).")
        case nil: lines.append("No score (\(score.status.rawValue)), formula \(score.formulaVersion).")
        }
        if let reason = score.statusReason { lines.append("  Why: \(reason)") }
        var sample = "Window \(Self.day(score.window.start)) to \(Self.day(score.window.end)): \(score.sample.posts) own posts"
        if let originals = score.sample.originals, let replies = score.sample.replies, let left = score.sample.selfRepliesLeftOut {
            sample += " (\(originals) originals, \(replies) replies to others; \(left) self-replies left out)"
        } else {
            sample += " (self-replies not counted)"
        }
        sample += ", \(score.sample.interactions) reactions and messages from others"
        if let minimum = score.minimumPosts { sample += "; a score needs at least \(minimum) posts" }
        lines.append(sample + ".")
        if let coverage = score.coverage {
            if score.formulaVersion == "1" {
                let unmeasured = score.components.filter { !$0.measured }.map(\.name)
                lines.append("Coverage: the sources could measure parts worth \(Self.percent(coverage)) of the model"
                    + (unmeasured.isEmpty ? "." : " (not \(unmeasured.joined(separator: ", "))); the weights were renormalised over them."))
            } else {
                lines.append("Coverage: the sources could measure scored parts worth \(Self.percent(coverage)) of what this network can show"
                    + (coverage < 1 ? "; the weights were renormalised over them and the interval widened (what was not measured is listed below)." : "."))
            }
        }
        if let calibration = score.calibration {
            lines.append("Calibrated for \(calibration.network) (\(calibration.basis.rawValue)): \(calibration.note).")
        }
        lines.append("This score is about this one account only; personad never combines networks.")

        let measured = score.components.filter(\.measured).sorted { ($0.contribution ?? 0) > ($1.contribution ?? 0) }
        let scored = measured.filter { $0.weight > 0 }
        if !scored.isEmpty {
            lines.append("")
            lines.append("What makes the score (points = value × weight × factor):")
            for component in scored { lines += describe(component) }
            let points = scored.map { String(format: "%.2f", $0.contribution ?? 0) }
            let sum = scored.reduce(0) { $0 + ($1.contribution ?? 0) }
            lines.append("  Sum: \(points.joined(separator: " + ")) = \(String(format: "%.2f", sum))"
                + (score.value.map { ", the score \(scoreText($0)) after rounding." } ?? " (no number is given; see Why above)."))
        }
        let shown = measured.filter { $0.weight == 0 }
        if !shown.isEmpty {
            lines.append("")
            lines.append("Shown, not scored (what the persona controls alone, or the factor above):")
            for component in shown { lines += describe(component, scored: false) }
        }
        let unmeasured = score.components.filter { !$0.measured }
        if !unmeasured.isEmpty {
            lines.append("")
            lines.append("Not measured (its weight went to the parts above, never counted as zero):")
            for component in unmeasured { lines.append("  \(component.name): \(component.reason)") }
        }
        lines.append("")
        lines += topics
        lines.append("")
        lines += moved
        lines.append("")
        lines.append("Sources:")
        for source in snapshot.sources {
            var line = "  \(source.kind.rawValue) \(source.location): \(source.status.rawValue), last success "
            line += source.lastSuccess.map { "\(age(since: $0)) ago" } ?? "never"
            if let error = source.lastError { line += "; last error: \(error)" }
            lines.append(line)
            for note in source.notes ?? [] { lines.append("    read with a note: \(note)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func describe(_ component: Component, scored: Bool = true) -> [String] {
        let value = component.normalized ?? 0
        var head = "  \(component.name.padding(toLength: 15, withPad: " ", startingAt: 0))"
        if scored {
            head += String(format: "%5.1f points = %5.1f × %4.1f%%", component.contribution ?? 0, value, component.weight * 100)
            if component.factor != 1 { head += String(format: " × %.2f", component.factor) }
        } else {
            head += String(format: "value %.1f", value)
        }
        if let interval = component.interval { head += String(format: " (value's 90%% interval %.1f–%.1f)", interval.low, interval.high) }
        var lines = [head, "      \(component.reason)."]
        if let scale = scale(of: component) { lines.append("      \(scale)") }
        if scored, component.factor != 1 {
            lines.append("      Counted at \(Self.percent(component.factor)): the reciprocity factor, from how many of the people who addressed the persona it answered.")
        }
        for evidence in component.evidence {
            var line = "      e.g. \(evidence.postId): \(evidence.count) \(evidence.detail ?? "reactions by others")"
            if let url = evidence.url { line += " <\(url)>" }
            lines.append(line)
        }
        return lines
    }

    /// How the raw value became 0–100, with the constant that set the scale.
    func scale(of component: Component) -> String? {
        guard let raw = component.raw, let normalized = component.normalized else { return nil }
        let constant = snapshot.score.calibration?.constants[component.name]
        let network = snapshot.persona.network
        switch component.name {
        case "depth" where snapshot.score.formulaVersion != "1":
            return "A share of \(Self.percent(raw)) maps to \(Self.number(normalized)) of 100 (a share of 100% would score 100)."
        case "responsiveness", "consistency":
            return "A share of \(Self.percent(raw)) maps to \(Self.number(normalized)) of 100 (a share of 100% would score 100)."
        case "audience":
            return "\(Self.number(raw)) maps to \(Self.number(normalized)) of 100 on a log scale"
                + (constant.map { " (\(Self.number($0)) would score 100 on \(network))." } ?? ".")
        default:
            return "\(Self.number(raw)) maps to \(Self.number(normalized)) of 100"
                + (constant.map { " (\(Self.number($0)) would score 50 on \(network); the scale saturates, so doubling never doubles it)." } ?? ".")
        }
    }

    var topics: [String] {
        let topics = snapshot.topics
        var lines = ["Topics (interest is what the persona posts about; expertise is where others respond clearly more):"]
        if topics.details.isEmpty {
            lines.append("  no topic on two or more posts")
            return lines
        }
        for detail in topics.details {
            var line = "  \(detail.topic): \(detail.posts) posts (\(Self.percent(detail.share))), "
            line += detail.expertise ? "EXPERTISE, " : "interest, "
            line += detail.reason
            lines.append(line)
            if let test = detail.test {
                lines.append("      test: \(test)" + (detail.effectSize.map { "; effect size \(Self.number($0)) (0.5 = no difference)" } ?? ""))
            }
            for evidence in detail.evidence {
                lines.append("      e.g. \(evidence.postId): \(evidence.count) \(evidence.detail ?? "reactions by others")" + (evidence.url.map { " <\($0)>" } ?? ""))
            }
        }
        return lines
    }

    var moved: [String] {
        let score = snapshot.score
        guard let previous = score.previous else { return ["What moved: this is the first score in the persona's history."] }
        var lines: [String] = []
        var head = "What moved since \(Self.day(previous.generatedAt)) (then \(scoreText(previous.value)), \(previous.status.rawValue)"
        if previous.formulaVersion != score.formulaVersion { head += ", formula \(previous.formulaVersion)" }
        head += "):"
        lines.append(head)
        if let now = score.value, let then = previous.value {
            lines.append(String(format: "  score %+.1f", now - then))
        }
        let before = Dictionary(previous.components.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [(Double, String)] = []
        for component in score.components {
            let then = before[component.name]
            let delta = (component.contribution ?? 0) - (then?.contribution ?? 0)
            guard abs(delta) >= 0.05 || (then?.normalized == nil) != (component.normalized == nil) else { continue }
            let from = then?.normalized.map { String(format: "%.1f", $0) } ?? "unmeasured"
            let to = component.normalized.map { String(format: "%.1f", $0) } ?? "unmeasured"
            changes.append((abs(delta), String(format: "  %@ %+.1f points (value %@ → %@)", component.name, delta, from, to)))
        }
        if changes.isEmpty { lines.append("  no component moved by 0.1 points or more") }
        lines += changes.sorted { $0.0 > $1.0 }.map(\.1)
        return lines
    }
}
