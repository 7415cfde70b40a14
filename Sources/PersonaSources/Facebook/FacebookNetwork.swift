import PersonaModel

extension Network {
    /// Facebook.
    public static let facebook = Network("facebook")
}

/// Facebook: the JSON export ("Download your information").
///
/// Its readers, calibration and README live in this folder; `SourceRegistry.networks` lists it.
public struct FacebookNetwork: NetworkDescriptor {
    public init() {}

    public let network = Network.facebook
    public let displayName = "Facebook"
    public let readers: [SourceKind: SourceReader] = [.export: .export(FacebookExportReader())]

    /// No published per-post norm is used.
    public let calibration = NetworkCalibration(
        network: .facebook, basis: .default,
        note: "no published per-post norm used; audience full at Facebook's 5,000-friend limit",
        conversation: 2, amplification: 1, applause: 10, depth: 5, recognition: 5, audienceFull: 5_000,
        noRecognition: NetworkCalibration.noEndorsements("Facebook"))
}
