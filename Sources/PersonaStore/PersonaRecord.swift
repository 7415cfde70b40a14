import Foundation

/// What the daemon remembers about a persona's last written snapshot.
public struct PersonaRecord: Sendable, Hashable {
    /// A hash of the snapshot's content without its clock-driven fields (see `SnapshotFingerprint`).
    public var fingerprint: String
    /// A hash of the persona's configuration (network, handle, sources) when it was written.
    public var configDigest: String
    public var writtenAt: Date
    /// The snapshot's `score.value` and `score.status`, as written.
    public var scoreValue: Double?
    public var scoreStatus: String
    public var formulaVersion: String
    /// What the metrics file shows of the snapshot beyond its score (interval and components),
    /// written and read by the daemon (`MetricsFile.PersonaRow`), opaque here; `nil` in records
    /// written before store v8. Kept so that a run that does not re-score a persona (`--once`, a
    /// 304) need not read its snapshot file to write `personad.prom`.
    public var metrics: String?

    public init(fingerprint: String, configDigest: String, writtenAt: Date, scoreValue: Double?, scoreStatus: String, formulaVersion: String,
                metrics: String? = nil) {
        self.metrics = metrics
        self.fingerprint = fingerprint
        self.configDigest = configDigest
        self.writtenAt = writtenAt
        self.scoreValue = scoreValue
        self.scoreStatus = scoreStatus
        self.formulaVersion = formulaVersion
    }
}
