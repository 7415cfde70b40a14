import PersonaModel

extension Network {
    /// X.
    public static let x = Network("x")
}

/// X (formerly Twitter): the account archive ("Download an archive of your data").
///
/// Its readers, calibration and README live in this folder; `SourceRegistry.networks` lists it.
public struct XNetwork: NetworkDescriptor {
    public init() {}

    public let network = Network.x
    public let displayName = "X"
    public let readers: [SourceKind: SourceReader] = [.export: .export(XArchiveReader())]

    /// Buffer's 2025 study of 1.7M posts found a median of 4 engagements per post on X, Threads and Bluesky;
    /// per-follower rates put X near 0.04–0.12%.
    public let calibration = NetworkCalibration(
        network: .x, basis: .published,
        note: "Buffer 2025: median 4 engagements per post on X; split here as 2 likes, 1 repost, 1 reply",
        conversation: 1, amplification: 1, applause: 2, depth: 4, recognition: 5, audienceFull: 1_000_000,
        noRecognition: NetworkCalibration.noEndorsements("X"))
}
