import Foundation
import PersonaModel

/// A reader of an export archive (a `.zip` or a directory).
public protocol ExportReader: Sendable {
    /// What this kind of export can never measure, and why; the scorer lists these as unmeasured.
    static var unmeasurable: [Metric: String] { get }
    func read(_ archive: ExportArchive, handle: String) throws(SourceError) -> Observation
    /// The same, for archives too large to hold: the reader may hand posts to `sink` in batches as
    /// it goes (they are staged, and kept only if the whole read succeeds); the returned
    /// observation holds the rest. Readers of small exports need not implement it.
    func read(_ archive: ExportArchive, handle: String, sink: PostSink) throws(SourceError) -> Observation
}

/// Where a streaming reader hands batches of posts. It empties the array it is given.
public typealias PostSink = (inout [Post]) throws(SourceError) -> Void

extension ExportReader {
    public func read(_ archive: ExportArchive, handle: String, sink: PostSink) throws(SourceError) -> Observation {
        try read(archive, handle: handle)
    }
}

/// The one place where readers are registered: (network, kind) → reader.
///
/// Adding a network means adding its folder and one line here; nothing else changes.
public enum SourceRegistry {
    public enum Reader: Sendable {
        case export(any ExportReader)
        case remote(any RemoteReader)

        public var unmeasurable: [Metric: String] {
            switch self {
            case .export(let reader): type(of: reader).unmeasurable
            case .remote(let reader): type(of: reader).unmeasurable
            }
        }

        /// The URL a remote source uses when its configuration gives none.
        public func defaultURL(handle: String) -> String? {
            switch self {
            case .export: nil
            case .remote(let reader): type(of: reader).defaultURL(handle: handle)
            }
        }
    }

    public static func reader(network: Network, kind: SourceKind) -> Reader? {
        switch (network, kind) {
        case (.x, .export): .export(XArchiveReader())
        case (.blog, .feed): .remote(FeedReader())
        case (.youtube, .feed): .remote(YouTubeFeedReader())
        case (.mastodon, .api): .remote(MastodonAPIReader())
        case (.mastodon, .export): .export(MastodonExportReader())
        case (.bluesky, .api): .remote(BlueskyAPIReader())
        case (.reddit, .api): .remote(RedditAPIReader())
        case (.reddit, .export): .export(RedditExportReader())
        case (.facebook, .export): .export(FacebookExportReader())
        case (.instagram, .export): .export(InstagramExportReader())
        case (.linkedin, .export): .export(LinkedInExportReader())
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
