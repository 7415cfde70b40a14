/// A social network a persona lives on.
///
/// Important: a persona is one account on one network. Nothing in personad combines networks.
public enum Network: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case x, instagram, linkedin, facebook, mastodon, bluesky, reddit, youtube, blog

    public var description: String { rawValue }
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
