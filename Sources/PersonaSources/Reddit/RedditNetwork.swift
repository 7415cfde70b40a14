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
    public let secrets: [SourceKind: String] = [.api: "a script app's CLIENT_ID:CLIENT_SECRET (reddit.com/prefs/apps), one line"]

    public func secretProblem(kind: SourceKind, _ secret: String) -> String? {
        let parts = secret.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            return "must hold CLIENT_ID:CLIENT_SECRET (the script app's id and secret, one line, a colon between)"
        }
        return nil
    }

    /// No published norm; a score is net of the author's own upvote.
    public let calibration = NetworkCalibration(
        network: .reddit, basis: .default,
        note: "no published norm; score net of the author's own upvote, most comments sit at 1–5 points",
        conversation: 2, amplification: 0.5, applause: 5, depth: 4, recognition: 5, audienceFull: 100_000,
        noRecognition: NetworkCalibration.noEndorsements("Reddit"))
}
