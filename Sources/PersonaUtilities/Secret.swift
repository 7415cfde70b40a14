import Foundation

/// A credential (an API token, a client id and secret) read from a file the operator named. Its
/// value never appears in text: interpolating, printing, dumping or reflecting a `Secret` shows
/// only where it came from. Code that must send it calls `reveal()`, and only the fetch engine does.
///
/// Important: equality compares the value (a reload that rotates a token is a change), but the
/// hash covers only the origin, so no digest of a configuration ever depends on a token.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String
    /// Where it was read from, fit to print: `token_file /etc/personad/mastodon.token` or
    /// `credential reddit (from $CREDENTIALS_DIRECTORY)`.
    public let origin: String

    public init(_ value: String, origin: String) {
        self.value = value
        self.origin = origin
    }

    public func reveal() -> String { value }

    public var description: String { "<secret from \(origin)>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["origin": origin]) }

    public static func == (lhs: Secret, rhs: Secret) -> Bool { lhs.value == rhs.value && lhs.origin == rhs.origin }
    public func hash(into hasher: inout Hasher) { hasher.combine(origin) }

    /// Removes every occurrence of the secret (and of each of its `:`-separated parts, for a
    /// `client:secret` pair) from `text`: for messages that quote what a server sent back.
    public func redact(_ text: String) -> String {
        var text = text
        for part in [value] + value.split(separator: ":").map(String.init) where part.count >= 8 {
            text = text.replacingOccurrences(of: part, with: "<redacted>")
        }
        return text
    }
}

/// How a request authenticates, with the secret it carries: one type for readers (which decide)
/// and the fetch engine (which hands it to libcurl).
public enum RequestAuthorization: Sendable, Hashable {
    /// `Authorization: Bearer TOKEN`.
    case bearer(Secret)
    /// HTTP Basic, as an OAuth client authenticates to a token endpoint.
    case basic(user: String, password: Secret)
}
