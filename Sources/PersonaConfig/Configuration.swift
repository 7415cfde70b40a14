import Foundation
import PersonaModel
import PersonaUtilities

/// The daemon's whole configuration, validated: every value here has been checked.
public struct Configuration: Sendable, Hashable {
    public var file: String
    public var stateDirectory: String
    public var snapshotDirectory: String
    public var pidFile: String
    /// Default seconds between polls of a source.
    public var interval: TimeInterval
    /// Fraction of the interval by which each poll is randomly spread (0 to 0.5).
    public var jitter: Double
    /// How far back the score looks, in seconds.
    public var window: TimeInterval
    /// At most this many HTTP transfers at once, and this many per host.
    public var maximumConnections: Int
    public var maximumPerHost: Int
    /// A paged API is never read past this many pages in one poll.
    public var maximumPages: Int
    public var personas: [PersonaConfiguration]
    /// Where the Prometheus textfile is written after each cycle; `nil`: not written.
    public var metricsFile: String?
    /// Every score history entry is kept this long (seconds); older ones are thinned to the last
    /// of each day, and those older than `historyDaily` are dropped.
    public var historyFull: TimeInterval = 14 * 86400
    public var historyDaily: TimeInterval = 730 * 86400
    /// The drop-in files read after the main file (`conf.d/*.toml` beside it), in name order.
    public var dropIns: [String] = []

    public var databasePath: String { (stateDirectory as NSString).appendingPathComponent("personad.sqlite") }

    /// How far back a persona's score looks: its own `window`, or `[scoring] window`.
    public func window(for persona: PersonaConfiguration) -> TimeInterval { persona.window ?? window }
}

public struct PersonaConfiguration: Sendable, Hashable {
    public var id: PersonaID
    public var network: Network
    public var handle: String
    public var sources: [SourceConfiguration]
    /// This persona's own scoring window, overriding `[scoring] window`.
    public var window: TimeInterval?
    /// The file that defines it (the main file or a drop-in), and the line of its `id`.
    public var file: String = ""
    public var line: Int?
}

public struct SourceConfiguration: Sendable, Hashable {
    public var kind: SourceKind
    /// An export's absolute path, or for a feed configured by `path`, the local file.
    public var path: String?
    /// The URL to fetch (for a feed configured by `path`, its `file://` URL).
    public var url: String?
    public var interval: TimeInterval?
    /// A PEM bundle for TLS verification, instead of the system's.
    public var caFile: String?
    public var maximumBytes: Int
    public var timeout: TimeInterval
    /// How many of the newest changed posts a poll asks "who reacted?" (Mastodon API); 0 never.
    public var engagers: Int
    /// The source's token or client credentials (`token_file` or `credential`); printed, it shows only its origin.
    public var secret: Secret?

    /// Where the data comes from, fit to print: the path, or the URL without credentials.
    /// Computed once: it is part of every source's key.
    public let location: String

    public init(kind: SourceKind, path: String?, url: String?, interval: TimeInterval?, caFile: String?,
                maximumBytes: Int, timeout: TimeInterval, engagers: Int = 0, secret: Secret? = nil) {
        self.engagers = engagers
        self.secret = secret
        self.kind = kind
        self.path = path
        self.url = url
        self.interval = interval
        self.caFile = caFile
        self.maximumBytes = maximumBytes
        self.timeout = timeout
        if let path {
            location = path
        } else if let url, var components = URLComponents(string: url) {
            components.user = nil
            components.password = nil
            location = components.string ?? url
        } else {
            location = url ?? ""
        }
    }
}
