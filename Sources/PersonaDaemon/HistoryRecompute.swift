import Foundation
import Logging
import PersonaConfig
import PersonaModel
import PersonaScoring
import PersonaStore

/// Recomputes the score history when the formula changed, at start-up, before the first cycle.
struct HistoryRecompute: Sendable {
    let scorer: PersonaScorer
    let store: Store
    let logger: Logger

    /// Recomputes, with the current formula, every history entry another formula computed, so that a
    /// persona's history never splices two formulas. Each point is scored as of its own time from the
    /// stored observations (posts as last observed; see Docs/scoring.md).
    func run(configuration: Configuration) {
        let stale: [PersonaID: [Date]]
        do {
            stale = try store.historyPoints(otherThan: ScoreModel.formulaVersion)
        } catch {
            logger.error("\(error)")
            return
        }
        guard !stale.isEmpty else { return }
        let states: [String: SourceState]
        do {
            states = try store.sourceStates()
        } catch {
            logger.error("cannot recompute the score history: \(error)")
            return
        }
        for persona in configuration.personas {
            guard let points = stale[persona.id] else { continue }
            do {
                var entries: [(generatedAt: Date, score: Score)] = []
                for point in points {
                    let score = try scorer.score(of: persona, configuration: configuration, states: states, at: point)
                    // Like the live history, an entry is kept only where the score changed.
                    if let last = entries.last?.score, last.value == score.value, last.status == score.status { continue }
                    entries.append((point, score))
                }
                try store.replaceHistory(persona: persona.id, formulaVersion: ScoreModel.formulaVersion, entries: entries)
                logger.notice("persona \(persona.id): score history recomputed with formula \(ScoreModel.formulaVersion): \(points.count) entries became \(entries.count)")
            } catch {
                logger.error("persona \(persona.id): cannot recompute its score history: \(error)")
            }
        }
    }
}
