import PersonaModel

extension Network {
    /// Bluesky.
    public static let bluesky = Network("bluesky")
}

/// Bluesky: the public AppView API.
///
/// Its readers, calibration and README live in this folder; `SourceRegistry.networks` lists it.
public struct BlueskyNetwork: NetworkDescriptor {
    public init() {}

    public let network = Network.bluesky
    public let displayName = "Bluesky"
    public let readers: [SourceKind: SourceReader] = [.api: .remote(BlueskyAPIReader())]
    public let engagerLookups: Set<SourceKind> = [.api]

    /// The handle goes into the AppView's `actor=` as it is: the '@' that Bluesky shows before a
    /// handle, or a space, can never name an account, so they are caught before start.
    public func handleProblem(_ handle: String) -> String? {
        if handle.hasPrefix("@") { return "write it without the '@' (\(handle.dropFirst()))" }
        if handle.contains(where: { $0.isWhitespace }) { return "a handle holds no spaces" }
        return nil
    }

    /// No published per-network norm; Buffer 2025 found the same median of 4 engagements per post as on X.
    public let calibration = NetworkCalibration(
        network: .bluesky, basis: .default,
        note: "no published per-network norm; defaults equal to X's (Buffer 2025 found the same median of 4 engagements per post)",
        conversation: 1, amplification: 1, applause: 2, depth: 4, recognition: 5, audienceFull: 100_000,
        noRecognition: NetworkCalibration.noEndorsements("Bluesky"))
}
