/// FNV-1a, 64 bits: a hash that is the same in every run and on every machine (Swift's `Hasher`
/// is seeded per process). Used for ids made from content and for change detection, never for
/// security.
///
/// The combining functions are `@inlinable` so that callers in other modules get a loop
/// specialised for their byte sequence: a cycle hashes every snapshot it renders.
public struct StableHash: Sendable {
    /// The state so far; read it as the hash (or use `hex`).
    public var value: UInt64 = 0xcbf29ce484222325

    @inlinable public init() {}

    @inlinable public mutating func combine(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100000001b3 }
    }

    @inlinable public mutating func combine(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            var state = value
            for byte in buffer { state = (state ^ UInt64(byte)) &* 0x100000001b3 }
            value = state
        }
    }

    @inlinable public mutating func combine(_ bytes: UnsafeBufferPointer<UInt8>) {
        var state = value
        for byte in bytes { state = (state ^ UInt64(byte)) &* 0x100000001b3 }
        value = state
    }

    /// Through the string's contiguous bytes: iterating its `utf8` view went through the
    /// collection's generic witnesses, a tenth of every snapshot fingerprint.
    @inlinable public mutating func combine(_ text: String) {
        var text = text
        text.withUTF8 { combine($0) }
    }

    /// Lower-case hexadecimal.
    public var hex: String { String(value, radix: 16) }

    public static func hex(_ text: String) -> String {
        var hash = StableHash()
        hash.combine(text)
        return hash.hex
    }
}
