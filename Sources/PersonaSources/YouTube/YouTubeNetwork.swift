import PersonaModel

extension Network {
    /// YouTube.
    public static let youtube = Network("youtube")
}

/// YouTube: a channel's or playlist's Atom feed.
///
/// Its readers, calibration and README live in this folder; `SourceRegistry.networks` lists it.
public struct YouTubeNetwork: NetworkDescriptor {
    public init() {}

    public let network = Network.youtube
    public let displayName = "YouTube"
    public let readers: [SourceKind: SourceReader] = [.feed: .remote(YouTubeFeedReader())]
    public let urlHint: String? = "or give a channel id (UC…) or playlist id (PL…, UU…) as the handle"

    /// No published per-video norm is used; likes are scaled like Instagram's.
    public let calibration = NetworkCalibration(
        network: .youtube, basis: .default,
        note: "no published per-video norm used; likes scaled like Instagram's",
        conversation: 2, amplification: 1, applause: 20, depth: 8, recognition: 5, audienceFull: 1_000_000,
        noRecognition: NetworkCalibration.noEndorsements("YouTube"))
}
