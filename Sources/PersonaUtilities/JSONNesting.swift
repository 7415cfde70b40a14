/// Finds where a JSON object or array ends without parsing it: it tracks only the nesting depth
/// and whether it is inside a string (where brackets do not count) or just after a backslash.
/// Its state carries over between calls, so a value may arrive in chunks of any size.
///
/// The one scanner behind `JSONCursor.skip()` and the X archive's streaming splitter.
public struct JSONNesting: Sendable {
    public var depth = 0
    public var inString = false
    public var escaped = false

    @inlinable public init(depth: Int = 0) { self.depth = depth }

    /// Scans from `start` until a closing bracket brings the depth back to 0, and returns that
    /// bracket's index; nil when the bytes end first (call again with the next chunk).
    @inlinable public mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        let count = bytes.count
        while index < count {
            if inString, !escaped {
                // Most of a record is string content: pass over it eight bytes at a time.
                index = Self.skipPlainString(bytes, from: index)
                if index >= count { return nil }
            }
            let byte = bytes[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { return index }
            }
            index += 1
        }
        return nil
    }

    /// The index of the first quote or backslash at or after `start` (or `bytes.count`), found a
    /// 64-bit word at a time: a word holds neither when no byte of it XOR the byte is zero.
    @inlinable public static func skipPlainString(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        let count = bytes.count
        guard let base = bytes.baseAddress else { return count }
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            if ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash) & highs != 0 { break }
            index += 8
        }
        while index < count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
        return index
    }
}
