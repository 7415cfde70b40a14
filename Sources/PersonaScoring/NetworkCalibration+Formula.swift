import PersonaModel

/// The constants of score formula 1 that are the same on every network. The per-network ones come
/// from each network's descriptor (`NetworkCalibration`, in its folder under `PersonaSources`).
extension NetworkCalibration {
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

    /// Every half-saturation constant the score used, by component, as the snapshot states them.
    public var constants: [String: Double] {
        [
            "conversation": conversation, "amplification": amplification, "applause": applause, "depth": depth,
            "recognition": recognition, "audience": audienceFull,
            "responsiveness": Self.responsivenessHalf, "consistency": Self.consistencyHalf,
        ]
    }

    /// The calibration record a score carries.
    public var calibration: Calibration {
        Calibration(network: network, basis: basis, note: note, constants: constants)
    }
}
