/// FNV-1a, 64 bits: a hash that is the same in every run and on every machine (Swift's `Hasher`
/// is seeded per process). Used for ids made from content and for change detection, never for
/// security.
public struct StableHash: Sendable {
    public private(set) var value: UInt64 = 0xcbf29ce484222325

    public init() {}

    public mutating func combine(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100000001b3 }
    }

    public mutating func combine(_ text: String) { combine(text.utf8) }

    /// Lower-case hexadecimal.
    public var hex: String { String(value, radix: 16) }

    public static func hex(_ text: String) -> String {
        var hash = StableHash()
        hash.combine(text)
        return hash.hex
    }
}
