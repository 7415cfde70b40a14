import PersonaModel

/// Every constant of score formula 1, per network, in one place. `Docs/scoring.md` states each
/// one and its reason; the test `calibrationTableMatchesTheDocs` keeps the two in step.
///
/// Engagement norms differ by an order of magnitude between networks, so each network's reach
/// components saturate at its own scale: the half-saturation constant `k` is the per-post value
/// that scores 50, roughly what a typical post of an ordinary account earns there.
public struct NetworkCalibration: Sendable, Hashable {
    public var network: Network
    public var basis: Calibration.Basis
    public var note: String
    /// Replies by others per original post that score 50.
    public var conversation: Double
    /// Reposts by others per post that score 50.
    public var amplification: Double
    /// Likes per post that score 50.
    public var applause: Double
    /// The t factor that scores 50.
    public var depth: Double
    /// Distinct endorsers plus twice the distinct recommenders that score 50.
    public var recognition: Double
    /// The audience that scores 100 (log-damped).
    public var audienceFull: Double
    /// Why the network has no recognition component, if it has none.
    public var noRecognition: String?
    public var weights: Weights

    /// Base weights, before renormalising over what could be measured. They sum to 1.
    public struct Weights: Sendable, Hashable {
        public var conversation: Double
        public var responsiveness: Double
        public var amplification: Double
        public var applause: Double
        public var depth: Double
        public var consistency: Double
        public var recognition: Double
        public var audience: Double

        /// Conversation and responsiveness lead (Kaushik ranks conversation first; Klout's critics
        /// asked whether a persona answers); applause is the cheapest signal; audience is last.
        public static let standard = Weights(
            conversation: 0.24, responsiveness: 0.20, amplification: 0.14, applause: 0.08,
            depth: 0.12, consistency: 0.12, recognition: 0.05, audience: 0.05)

        public var total: Double {
            conversation + responsiveness + amplification + applause + depth + consistency + recognition + audience
        }
    }

    /// Shares of the persona's posts that answer others: `k` for the responsiveness curve.
    public static let responsivenessHalf = 0.25
    /// Share of active weeks: `k` for the consistency curve.
    public static let consistencyHalf = 0.25
    /// Audience never carries more than this share of the score, however few parts are measured.
    public static let audienceWeightCap = 0.10
    /// The reach components of a persona that never answers anyone count this much (0.5), rising
    /// linearly to 1 with responsiveness.
    public static let reciprocityFloor = 0.5
    /// Messages answered within this many hours keep half their credit; faster answers keep more.
    public static let answerHalfHours = 24.0

    public var constants: [String: Double] {
        [
            "conversation": conversation, "amplification": amplification, "applause": applause, "depth": depth,
            "recognition": recognition, "audience": audienceFull,
            "responsiveness": Self.responsivenessHalf, "consistency": Self.consistencyHalf,
        ]
    }

    public var calibration: Calibration {
        Calibration(network: network, basis: basis, note: note, constants: constants)
    }

    static func noEndorsements(_ name: String) -> String { "\(name) has no endorsements or recommendations" }

    /// The table. Buffer's 2025 study of 1.7M posts found a median of 4 engagements per post on X,
    /// Threads and Bluesky; per-follower rates put Instagram near 0.5% and X near 0.04–0.12%.
    public static let table: [Network: NetworkCalibration] = [
        .x: NetworkCalibration(
            network: .x, basis: .published,
            note: "Buffer 2025: median 4 engagements per post on X; split here as 2 likes, 1 repost, 1 reply",
            conversation: 1, amplification: 1, applause: 2, depth: 4, recognition: 5, audienceFull: 1_000_000,
            noRecognition: noEndorsements("X"), weights: .standard),
        .bluesky: NetworkCalibration(
            network: .bluesky, basis: .default,
            note: "no published per-network norm; defaults equal to X's (Buffer 2025 found the same median of 4 engagements per post)",
            conversation: 1, amplification: 1, applause: 2, depth: 4, recognition: 5, audienceFull: 100_000,
            noRecognition: noEndorsements("Bluesky"), weights: .standard),
        .mastodon: NetworkCalibration(
            network: .mastodon, basis: .default,
            note: "no published norm; defaults set below X's for smaller, quieter timelines without algorithmic reach",
            conversation: 1, amplification: 1, applause: 2, depth: 3, recognition: 5, audienceFull: 100_000,
            noRecognition: noEndorsements("Mastodon"), weights: .standard),
        .instagram: NetworkCalibration(
            network: .instagram, basis: .derived,
            note: "median engagement ~0.5% of followers per post, about ten times X's rate: applause ten times X's",
            conversation: 2, amplification: 1, applause: 20, depth: 8, recognition: 5, audienceFull: 1_000_000,
            noRecognition: noEndorsements("Instagram"), weights: .standard),
        .linkedin: NetworkCalibration(
            network: .linkedin, basis: .derived,
            note: "engagement up to ~3.9% of connections per post; audience full at LinkedIn's 30,000-connection limit",
            conversation: 2, amplification: 1, applause: 10, depth: 5, recognition: 5, audienceFull: 30_000,
            noRecognition: nil, weights: .standard),
        .facebook: NetworkCalibration(
            network: .facebook, basis: .default,
            note: "no published per-post norm used; audience full at Facebook's 5,000-friend limit",
            conversation: 2, amplification: 1, applause: 10, depth: 5, recognition: 5, audienceFull: 5_000,
            noRecognition: noEndorsements("Facebook"), weights: .standard),
        .reddit: NetworkCalibration(
            network: .reddit, basis: .default,
            note: "no published norm; score net of the author's own upvote, most comments sit at 1–5 points",
            conversation: 2, amplification: 0.5, applause: 5, depth: 4, recognition: 5, audienceFull: 100_000,
            noRecognition: noEndorsements("Reddit"), weights: .standard),
        .youtube: NetworkCalibration(
            network: .youtube, basis: .default,
            note: "no published per-video norm used; likes scaled like Instagram's",
            conversation: 2, amplification: 1, applause: 20, depth: 8, recognition: 5, audienceFull: 1_000_000,
            noRecognition: noEndorsements("YouTube"), weights: .standard),
        .blog: NetworkCalibration(
            network: .blog, basis: .default,
            note: "no published norm; most articles draw no comments, one comment per article scores 50",
            conversation: 1, amplification: 1, applause: 2, depth: 3, recognition: 5, audienceFull: 100_000,
            noRecognition: noEndorsements("A blog"), weights: .standard),
    ]

    public static func of(_ network: Network) -> NetworkCalibration {
        // Every network has an entry (tested); the fallback keeps a new case from trapping.
        table[network] ?? NetworkCalibration(
            network: network, basis: .default, note: "no calibration for this network yet; X's defaults",
            conversation: 1, amplification: 1, applause: 2, depth: 4, recognition: 5, audienceFull: 1_000_000,
            noRecognition: noEndorsements(network.rawValue), weights: .standard)
    }
}
