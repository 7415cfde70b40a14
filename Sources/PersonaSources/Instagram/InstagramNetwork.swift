import PersonaModel

extension Network {
    /// Instagram.
    public static let instagram = Network("instagram")
}

/// Instagram: the JSON export ("Download your information").
///
/// Its readers, calibration and README live in this folder; `SourceRegistry.networks` lists it.
public struct InstagramNetwork: NetworkDescriptor {
    public init() {}

    public let network = Network.instagram
    public let displayName = "Instagram"
    public let readers: [SourceKind: SourceReader] = [.export: .export(InstagramExportReader())]

    /// Per-follower rates put Instagram near 0.5%, about ten times X's.
    public let calibration = NetworkCalibration(
        network: .instagram, basis: .derived,
        note: "median engagement ~0.5% of followers per post, about ten times X's rate: applause ten times X's",
        conversation: 2, amplification: 1, applause: 20, depth: 8, recognition: 5, audienceFull: 1_000_000,
        noRecognition: NetworkCalibration.noEndorsements("Instagram"))
}
