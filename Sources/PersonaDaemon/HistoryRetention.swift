import Foundation
import Logging
import PersonaConfig
import PersonaStore

/// Keeps the score history from growing without bound (`[daemon] history_full`, `history_daily`):
/// every entry for `history_full`, then the last of each day until `history_daily`, then none.
/// Run at start, after `--once`, and hourly in the running daemon.
///
/// Important: a failure is logged and the history stays as it was; the next run tries again.
struct HistoryRetention: Sendable {
    let store: Store
    let logger: Logger
    /// How often the running daemon applies it.
    static let every: TimeInterval = 3600

    func run(configuration: Configuration, now: Date = Date()) {
        do {
            let (thinned, dropped) = try store.applyRetention(fullSince: now.addingTimeInterval(-configuration.historyFull),
                                                              dailySince: now.addingTimeInterval(-configuration.historyDaily))
            if thinned + dropped > 0 {
                logger.info("score history: \(thinned) entries thinned to one a day, \(dropped) older than \(Durations.format(configuration.historyDaily)) dropped")
            }
        } catch {
            logger.error("score history retention not applied: \(error)")
        }
    }
}
