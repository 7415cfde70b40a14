import PersonaModel

extension Network {
    /// Blog.
    public static let blog = Network("blog")
}

/// A blog or any site with a feed: RSS 0.9x/1.0/2.0, Atom or JSON Feed.
///
/// Its readers, calibration and README live in this folder; `SourceRegistry.networks` lists it.
public struct BlogNetwork: NetworkDescriptor {
    public init() {}

    public let network = Network.blog
    public let displayName = "Blog"
    public let readers: [SourceKind: SourceReader] = [.feed: .remote(FeedReader())]

    /// No published norm; most articles draw no comments.
    public let calibration = NetworkCalibration(
        network: .blog, basis: .default,
        note: "no published norm; most articles draw no comments, one comment per article scores 50",
        conversation: 1, amplification: 1, applause: 2, depth: 3, recognition: 5, audienceFull: 100_000,
        noRecognition: NetworkCalibration.noEndorsements("A blog"))
}
