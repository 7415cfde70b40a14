import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaStore

/// The score history's retention on a real SQLite file: every entry within `fullSince`, the last
/// of each UTC day until `dailySince`, nothing older; each persona on its own.
@Suite struct HistoryRetentionTests {
    static func score(_ value: Double) -> Score {
        Score(value: value, status: .ok, formulaVersion: "2", windowStart: .distantPast, windowEnd: Date(timeIntervalSince1970: 1),
              components: [], sample: Sample(posts: 12, interactions: 30), topics: Topics())
    }

    @Test func everyEntryRecentlyThenOneADayThenNone() throws {
        let directory = try TemporaryDirectory("retention")
        defer { directory.remove() }
        let store = try Store(path: directory.file("personad.sqlite"))
        // Midnight UTC as "now", so that day boundaries are exact: an entry every 6 hours for 40 days.
        let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 86400).rounded(.down) * 86400)
        let personas = [PersonaID(rawValue: "ana-x"), PersonaID(rawValue: "ana-blog")].compactMap { $0 }
        var written = 0
        for persona in personas {
            for step in 0..<(40 * 4) {
                let at = now.addingTimeInterval(-Double(step) * 6 * 3600 - 3600)
                try store.recordScore(Self.score(Double(step % 100)), persona: persona, generatedAt: at)
                written += 1
            }
        }
        let (thinned, dropped) = try store.applyRetention(fullSince: now.addingTimeInterval(-7 * 86400),
                                                          dailySince: now.addingTimeInterval(-30 * 86400))
        for persona in personas {
            let times = try store.scoreHistory(persona: persona).map(\.generatedAt)
            let recent = times.filter { $0 >= now.addingTimeInterval(-7 * 86400) }
            let daily = times.filter { $0 < now.addingTimeInterval(-7 * 86400) }
            #expect(recent.count == 28, "every entry of the last 7 days")
            #expect(daily.count == 23, "one for each of the 23 days before: \(daily.count)")
            #expect(Set(daily.map { Int($0.timeIntervalSince1970 / 86400) }).count == daily.count)
            // The one kept each day is the day's last (18:00 + 5h → 23:00 UTC).
            #expect(daily.allSatisfy { Int($0.timeIntervalSince1970) % 86400 == 23 * 3600 }, "\(daily.prefix(3))")
            #expect(times.allSatisfy { $0 >= now.addingTimeInterval(-30 * 86400) })
            #expect(times.max() == now.addingTimeInterval(-3600), "the latest entry stays")
        }
        let kept = try store.historyCount()
        #expect(kept == 2 * (28 + 23) && kept + thinned + dropped == written)
        // Applying it again changes nothing.
        let again = try store.applyRetention(fullSince: now.addingTimeInterval(-7 * 86400), dailySince: now.addingTimeInterval(-30 * 86400))
        #expect(again.thinned == 0 && again.dropped == 0)
    }
}
