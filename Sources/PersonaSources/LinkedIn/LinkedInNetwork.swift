import PersonaModel

extension Network {
    /// LinkedIn.
    public static let linkedin = Network("linkedin")
}

/// LinkedIn: the CSV export ("Get a copy of your data").
///
/// Its readers, calibration and README live in this folder; `SourceRegistry.networks` lists it.
public struct LinkedInNetwork: NetworkDescriptor {
    public init() {}

    public let network = Network.linkedin
    public let displayName = "LinkedIn"
    public let readers: [SourceKind: SourceReader] = [.export: .export(LinkedInExportReader())]

    /// The one network with endorsements and recommendations, so the one with a recognition component.
    public let calibration = NetworkCalibration(
        network: .linkedin, basis: .derived,
        note: "engagement up to ~3.9% of connections per post; audience full at LinkedIn's 30,000-connection limit",
        conversation: 2, amplification: 1, applause: 10, depth: 5, recognition: 5, audienceFull: 30_000,
        noRecognition: nil)
}
