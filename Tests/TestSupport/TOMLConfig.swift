/// Builds a `personad.toml` for a test: `[daemon]` and `[scoring]` keys, then one `[[persona]]`
/// per `persona(…)` call with its `[[persona.source]]` tables. Tests that are about the parser
/// itself write their TOML by hand; the others say only what differs.
///
///     TOMLConfig(daemon: [("state_directory", "\(dir)/state")])
///         .persona("ana-blog", network: "blog", handle: "ana", sources: [("kind", "feed"), ("url", "\(base)/feed.xml")])
public struct TOMLConfig: CustomStringConvertible, Sendable {
    /// A TOML value: a string (quoted and escaped when written), a whole number or a number.
    public enum Value: Sendable, ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
        case string(String)
        case integer(Int)
        case number(Double)

        public init(stringLiteral value: String) { self = .string(value) }
        public init(integerLiteral value: Int) { self = .integer(value) }
        public init(floatLiteral value: Double) { self = .number(value) }

        var toml: String {
            switch self {
            case .string(let text):
                "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            case .integer(let value): "\(value)"
            case .number(let value): "\(value)"
            }
        }
    }

    public typealias Keys = [(String, Value)]

    public var daemon: Keys
    public var scoring: Keys
    private var personas: [(keys: Keys, sources: [Keys])] = []

    public init(daemon: Keys = [], scoring: Keys = []) {
        self.daemon = daemon
        self.scoring = scoring
    }

    /// The same configuration with one more persona (`keys`: its other keys, such as `window`).
    public func persona(_ id: String, network: String, handle: String, keys: Keys = [], sources: Keys...) -> TOMLConfig {
        var copy = self
        copy.personas.append(([("id", .string(id)), ("network", .string(network)), ("handle", .string(handle))] + keys, sources))
        return copy
    }

    /// Only the `[[persona]]` tables: a drop-in's text.
    public var personasOnly: TOMLConfig {
        var copy = self
        copy.daemon = []
        copy.scoring = []
        return copy
    }

    public var description: String {
        func lines(_ keys: Keys, indent: String = "") -> String {
            keys.map { "\(indent)\($0.0) = \($0.1.toml)\n" }.joined()
        }
        var text = ""
        if !daemon.isEmpty { text += "[daemon]\n" + lines(daemon) + "\n" }
        if !scoring.isEmpty { text += "[scoring]\n" + lines(scoring) + "\n" }
        for persona in personas {
            text += "[[persona]]\n" + lines(persona.keys)
            for source in persona.sources { text += "  [[persona.source]]\n" + lines(source, indent: "  ") }
            text += "\n"
        }
        return text
    }
}
