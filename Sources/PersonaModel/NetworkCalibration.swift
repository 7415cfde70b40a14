/// A network's scoring constants: the scale at which each reach component saturates, and the
/// component weights. Each network's descriptor (in its folder under `PersonaSources`) states its
/// own, with their source; the scorer reads them from the input it is given.
///
/// Engagement norms differ by an order of magnitude between networks, so each network's reach
/// components saturate at its own scale: the half-saturation constant `k` is the per-post value
/// that scores 50, roughly what a typical post of an ordinary account earns there.
/// `Docs/scoring.md` states each one and its reason; a test keeps the two in step.
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

    public init(network: Network, basis: Calibration.Basis, note: String, conversation: Double, amplification: Double,
                applause: Double, depth: Double, recognition: Double, audienceFull: Double, noRecognition: String?,
                weights: Weights = .standard) {
        self.network = network
        self.basis = basis
        self.note = note
        self.conversation = conversation
        self.amplification = amplification
        self.applause = applause
        self.depth = depth
        self.recognition = recognition
        self.audienceFull = audienceFull
        self.noRecognition = noRecognition
        self.weights = weights
    }

    /// The usual reason for no recognition component: `"<name> has no endorsements or recommendations"`.
    public static func noEndorsements(_ name: String) -> String { "\(name) has no endorsements or recommendations" }

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

        public init(conversation: Double, responsiveness: Double, amplification: Double, applause: Double,
                    depth: Double, consistency: Double, recognition: Double, audience: Double) {
            self.conversation = conversation
            self.responsiveness = responsiveness
            self.amplification = amplification
            self.applause = applause
            self.depth = depth
            self.consistency = consistency
            self.recognition = recognition
            self.audience = audience
        }

        /// Conversation and responsiveness lead (Kaushik ranks conversation first; Klout's critics
        /// asked whether a persona answers); applause is the cheapest signal; audience is last.
        public static let standard = Weights(
            conversation: 0.24, responsiveness: 0.20, amplification: 0.14, applause: 0.08,
            depth: 0.12, consistency: 0.12, recognition: 0.05, audience: 0.05)

        public var total: Double {
            conversation + responsiveness + amplification + applause + depth + consistency + recognition + audience
        }
    }
}
