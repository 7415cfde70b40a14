import Synchronization

/// What remote readers keep between polls in memory only (`PollContext.session`): an OAuth access
/// token and its expiry, never written to the store, the snapshots or a log. Keyed by source.
final class PollSessions: Sendable {
    private let values = Mutex<[String: [String: String]]>([:])

    func session(for key: String) -> [String: String] { values.withLock { $0[key] ?? [:] } }

    func keep(_ session: [String: String], for key: String) {
        values.withLock { $0[key] = session.isEmpty ? nil : session }
    }
}
