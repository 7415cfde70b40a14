/// The identifier of a social network a persona lives on: `"x"`, `"mastodon"`, `"blog"`…
///
/// An open identifier, not an enum: each network declares its own constant (`Network.mastodon`)
/// in its folder under `PersonaSources`, and the source registry is the one list of networks that
/// exist. So the model never needs to change when a network is added.
///
/// Important: a persona is one account on one network. Nothing in personad combines networks.
public struct Network: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: Network, rhs: Network) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// How a source reaches its data.
public enum SourceKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A platform's "download your data" archive: a `.zip` or an unpacked directory.
    case export
    /// A platform's public HTTP API (fetched through libcurl).
    case api
    /// A syndication feed: RSS 2.0, Atom or JSON Feed (fetched through libcurl).
    case feed

    public var description: String { rawValue }
}
