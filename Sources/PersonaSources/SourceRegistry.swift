import Foundation
import PersonaModel

/// The one list of networks. Adding a network means adding its folder (readers, a
/// `NetworkDescriptor`, tests, a README and a sample config) and one line here
/// (`Docs/adding-a-network.md`).
public enum SourceRegistry {
    public typealias Reader = SourceReader

    /// Every network personad reads, in the order the docs list them.
    public static let networks: [any NetworkDescriptor] = [
        XNetwork(),
        InstagramNetwork(),
        LinkedInNetwork(),
        FacebookNetwork(),
        MastodonNetwork(),
        BlueskyNetwork(),
        RedditNetwork(),
        YouTubeNetwork(),
        BlogNetwork(),
    ]

    private static let byID: [Network: any NetworkDescriptor] =
        Dictionary(networks.map { ($0.network, $0) }, uniquingKeysWith: { first, _ in first })

    /// The descriptor of a network, or nil if personad does not know it.
    public static func descriptor(_ network: Network) -> (any NetworkDescriptor)? { byID[network] }

    public static func reader(network: Network, kind: SourceKind) -> Reader? { byID[network]?.readers[kind] }

    /// Every supported pair, for error messages and docs.
    public static var supported: [(Network, SourceKind)] {
        networks.flatMap { descriptor in descriptor.kinds.map { (descriptor.network, $0) } }
    }
}
