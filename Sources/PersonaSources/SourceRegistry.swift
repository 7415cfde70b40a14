import Foundation
import PersonaModel

/// A reader of an export archive (a `.zip` or a directory).
public protocol ExportReader: Sendable {
    /// What this kind of export can never measure, and why; the scorer lists these as unmeasured.
    static var unmeasurable: [Metric: String] { get }
    func read(_ archive: ExportArchive, handle: String) throws(SourceError) -> Observation
}

/// A reader of one fetched document (a feed or an API response).
public protocol DocumentReader: Sendable {
    static var unmeasurable: [Metric: String] { get }
    func read(_ data: Data, location: String, handle: String) throws(SourceError) -> Observation
}

/// The one place where readers are registered: (network, kind) → reader.
///
/// Adding a network means adding its folder and one line here; nothing else changes.
public enum SourceRegistry {
    public enum Reader: Sendable {
        case export(any ExportReader)
        case document(any DocumentReader)

        public var unmeasurable: [Metric: String] {
            switch self {
            case .export(let reader): type(of: reader).unmeasurable
            case .document(let reader): type(of: reader).unmeasurable
            }
        }
    }

    public static func reader(network: Network, kind: SourceKind) -> Reader? {
        switch (network, kind) {
        case (.x, .export): .export(XArchiveReader())
        case (.blog, .feed): .document(FeedReader())
        default: nil
        }
    }

    /// Every supported pair, for error messages and docs.
    public static var supported: [(Network, SourceKind)] {
        Network.allCases.flatMap { network in
            SourceKind.allCases.compactMap { kind in reader(network: network, kind: kind) == nil ? nil : (network, kind) }
        }
    }
}
