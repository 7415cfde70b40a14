/// The operator-chosen identifier of a persona; it is also the snapshot's file name.
///
/// Valid identifiers match `[a-z0-9][a-z0-9-]*` and are at most 64 characters long, so that
/// they are safe as file names and in URLs without escaping.
public struct PersonaID: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Returns `nil` when `rawValue` is not a valid identifier.
    public init?(rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    public static func isValid(_ value: String) -> Bool {
        guard let first = value.utf8.first, value.utf8.count <= 64 else { return false }
        func isAlnum(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }
        guard isAlnum(first) else { return false }
        return value.utf8.allSatisfy { isAlnum($0) || $0 == 0x2D }
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard Self.isValid(raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid persona id '\(raw)'"))
        }
        self.rawValue = raw
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: PersonaID, rhs: PersonaID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }
}
