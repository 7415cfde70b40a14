import PersonaModel

extension Network {
    /// Reddit.
    public static let reddit = Network("reddit")
}

/// Reddit: the data request export (`posts.csv`, `comments.csv`) and the public listings.
///
/// Its readers, calibration and README live in this folder; `SourceRegistry.networks` lists it.
public struct RedditNetwork: NetworkDescriptor {
    public init() {}

    public let network = Network.reddit
    public let displayName = "Reddit"
    public let readers: [SourceKind: SourceReader] = [.export: .export(RedditExportReader()), .api: .remote(RedditAPIReader())]

    /// No published norm; a score is net of the author's own upvote.
    public let calibration = NetworkCalibration(
        network: .reddit, basis: .default,
        note: "no published norm; score net of the author's own upvote, most comments sit at 1–5 points",
        conversation: 2, amplification: 0.5, applause: 5, depth: 4, recognition: 5, audienceFull: 100_000,
        noRecognition: NetworkCalibration.noEndorsements("Reddit"))
}
