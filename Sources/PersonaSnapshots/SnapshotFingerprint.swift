import Foundation
import PersonaUtilities

/// A stable hash of what a snapshot says, leaving out the fields that move with the clock alone
/// (`generated_at`, the window, the sources' attempt times) and telling HTTP successes apart from
/// failures only (a 200 and a 304 say the same). Two snapshots with the same fingerprint differ
/// only in those; the daemon then need not rewrite the file.
///
/// It hashes `SnapshotJSON`'s own rendering of the snapshot, with the clock-driven members left
/// out, so a field added to the format is part of the fingerprint without being listed again.
public enum SnapshotFingerprint {
    public static func of(_ snapshot: PersonaSnapshot) -> String { of(SnapshotJSON.value(snapshot)) }

    /// The compact rendering without the clock, fed straight into the hash (never held in memory),
    /// numbers as their 64 bits rather than their text.
    static func of(_ value: SnapshotJSON.Value) -> String {
        var hash = StableHash()
        SnapshotJSON.write(value, indent: nil, clock: false, into: &hash)
        return hash.hex
    }

    /// An HTTP status as far as a persona's state is concerned: every success (2xx, and 304 on a
    /// conditional request) is the same; any other status is itself.
    public static func statusClass(_ status: Int?) -> String {
        guard let status else { return "-" }
        return (200..<300).contains(status) || status == 304 ? "ok" : "\(status)"
    }

    public static func digest(_ text: String) -> String { StableHash.hex(text) }
}
