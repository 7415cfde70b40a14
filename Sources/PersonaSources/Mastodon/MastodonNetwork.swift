import PersonaModel

extension Network {
    /// Mastodon.
    public static let mastodon = Network("mastodon")
}

/// Mastodon: the account archive, and the public REST API of the account's instance.
///
/// Its readers, calibration and README live in this folder; `SourceRegistry.networks` lists it.
public struct MastodonNetwork: NetworkDescriptor {
    public init() {}

    public let network = Network.mastodon
    public let displayName = "Mastodon"
    public let readers: [SourceKind: SourceReader] = [.export: .export(MastodonExportReader()), .api: .remote(MastodonAPIReader())]
    public let engagerLookups: Set<SourceKind> = [.api]
    public let urlHint: String? = "or give the handle as name@instance"
    public let secrets: [SourceKind: String] = [.api: "an access token of the account (scopes read:statuses read:notifications)"]

    /// No published norm: defaults below X's for quieter timelines without algorithmic reach.
    public let calibration = NetworkCalibration(
        network: .mastodon, basis: .default,
        note: "no published norm; defaults set below X's for smaller, quieter timelines without algorithmic reach",
        conversation: 1, amplification: 1, applause: 2, depth: 3, recognition: 5, audienceFull: 100_000,
        noRecognition: NetworkCalibration.noEndorsements("Mastodon"))
}
