import Foundation

/// A minimal cursor over one JSON value's bytes: objects, arrays, strings (unescaped) and the
/// text of scalars, with everything else skipped without building a tree. Shared by the byte-level
/// readers (the X archive's records) so that each carries only its field logic.
///
/// Important: it checks structure only as far as it must to find each value's end; a reader that
/// needs strict validation uses `JSONSerialization` or `JSONDecoder` instead.
public struct JSONCursor {
    /// Where and why the bytes are not the JSON the reader expected.
    public struct Failure: Error, Sendable {
        public var detail: String
        public init(detail: String) { self.detail = detail }
    }

    public let bytes: UnsafeBufferPointer<UInt8>
    public var index = 0

    @inlinable public init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// JSON's four whitespace bytes.
    @inlinable public static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }


    @inlinable public mutating func peek() -> UInt8? {
        while index < bytes.count, JSONCursor.isSpace(bytes[index]) { index += 1 }
        return index < bytes.count ? bytes[index] : nil
    }

    @inlinable public mutating func expect(_ byte: UInt8) throws(JSONCursor.Failure) {
        guard peek() == byte else {
            throw JSONCursor.Failure(detail: "expected '\(Character(Unicode.Scalar(byte)))' at byte \(index)")
        }
        index += 1
    }

    /// Calls `member` for each key, positioned at its value, which `member` must consume.
    @inlinable public mutating func object(_ member: (inout JSONCursor, String) throws(JSONCursor.Failure) -> Void) throws(JSONCursor.Failure) {
        try object(keys: { (cursor: inout JSONCursor, key: Key) throws(JSONCursor.Failure) in try member(&cursor, key.text) })
    }

    /// An object key as the reader met it: its bytes when it holds no escape (every key real
    /// platforms write), else its unescaped text. Matched against names with `~=`, so a reader
    /// can `switch` on it without making a `String` per key.
    public struct Key {
        public let raw: UnsafeBufferPointer<UInt8>
        public let unescaped: String?

        @inlinable init(raw: UnsafeBufferPointer<UInt8>, unescaped: String?) {
            self.raw = raw
            self.unescaped = unescaped
        }

        /// The key as text.
        @inlinable public var text: String { unescaped ?? String(decoding: raw, as: UTF8.self) }

        @inlinable public static func ~= (name: StaticString, key: Key) -> Bool {
            if let text = key.unescaped { return text == name.description }
            let length = name.utf8CodeUnitCount
            guard key.raw.count == length else { return false }
            guard length > 0, let base = key.raw.baseAddress else { return true }
            return memcmp(base, name.utf8Start, length) == 0
        }
    }

    /// Calls `member` for each key, as a `Key` rather than a `String`: for the hottest readers (an
    /// X archive's every record), where making the keys' strings was a tenth of the parse.
    @inlinable public mutating func object(keys member: (inout JSONCursor, Key) throws(JSONCursor.Failure) -> Void) throws(JSONCursor.Failure) {
        try expect(UInt8(ascii: "{"))
        if peek() == UInt8(ascii: "}") { index += 1; return }
        while true {
            try expect(UInt8(ascii: "\""))
            let start = index
            index = JSONNesting.skipPlainString(bytes, from: index)
            let key: Key
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                key = Key(raw: UnsafeBufferPointer(rebasing: bytes[start..<index]), unescaped: nil)
                index += 1
            } else {
                index = start - 1
                key = Key(raw: UnsafeBufferPointer(start: nil, count: 0), unescaped: try string())
            }
            try expect(UInt8(ascii: ":"))
            try member(&self, key)
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return
            default: throw JSONCursor.Failure(detail: "expected ',' or '}' at byte \(index)")
            }
        }
    }

    @inlinable public mutating func array(_ element: (inout JSONCursor) throws(JSONCursor.Failure) -> Void) throws(JSONCursor.Failure) {
        try expect(UInt8(ascii: "["))
        if peek() == UInt8(ascii: "]") { index += 1; return }
        while true {
            try element(&self)
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return
            default: throw JSONCursor.Failure(detail: "expected ',' or ']' at byte \(index)")
            }
        }
    }

    /// A string's or a number's text; nil for `null`. Objects and arrays are skipped (nil).
    @inlinable public mutating func scalarText() throws(JSONCursor.Failure) -> String? {
        switch peek() {
        case UInt8(ascii: "\""): return try string()
        case UInt8(ascii: "n"): try literal("null"); return nil
        case UInt8(ascii: "t"): try literal("true"); return "true"
        case UInt8(ascii: "f"): try literal("false"); return "false"
        case UInt8(ascii: "{"), UInt8(ascii: "["): try skip(); return nil
        case nil: throw JSONCursor.Failure(detail: "the record ends early")
        default:
            let start = index
            while index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: ".")
                    || bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") || (bytes[index] >= 0x30 && bytes[index] <= 0x39) {
                index += 1
            }
            guard index > start else { throw JSONCursor.Failure(detail: "unexpected byte at \(index)") }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }
    }

    @inlinable public mutating func literal(_ word: StaticString) throws(JSONCursor.Failure) {
        let length = word.utf8CodeUnitCount
        guard index + length <= bytes.count else { throw JSONCursor.Failure(detail: "the record ends early") }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: length)
        for offset in 0..<length where bytes[index + offset] != expected[offset] {
            throw JSONCursor.Failure(detail: "expected \(word) at byte \(index)")
        }
        index += length
    }

    /// A JSON string, unescaped (`\n`, `\"`, and `\u` escapes of four hex digits, surrogate pairs joined).
    @inlinable public mutating func string() throws(JSONCursor.Failure) -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        var escapes = false
        while index < bytes.count {
            index = JSONNesting.skipPlainString(bytes, from: index)
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return escapes ? try Self.unescape(raw) : String(decoding: raw, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { escapes = true; index += 1 }
            index += 1
        }
        throw JSONCursor.Failure(detail: "a string never closes")
    }

    /// Skips any value.
    @inlinable public mutating func skip() throws(JSONCursor.Failure) {
        switch peek() {
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var nesting = JSONNesting()
            if let end = nesting.scan(bytes, from: index) {
                index = end + 1
                return
            }
            index = bytes.count
            throw JSONCursor.Failure(detail: "the record ends early")
        default: _ = try scalarText()
        }
    }

    @inlinable public static func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws(JSONCursor.Failure) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func hex4(_ at: Int) throws(JSONCursor.Failure) -> UInt32 {
            guard at + 4 <= raw.count else { throw JSONCursor.Failure(detail: "a \\u escape is cut short") }
            var value: UInt32 = 0
            for byte in raw[at..<at + 4] {
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x37
                case 0x61...0x66: digit = byte - 0x57
                default: throw JSONCursor.Failure(detail: "a \\u escape holds a non-hex digit")
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while i < raw.count {
            let byte = raw[i]
            guard byte == UInt8(ascii: "\\"), i + 1 < raw.count else { out.append(byte); i += 1; continue }
            let next = raw[i + 1]
            i += 2
            switch next {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = try hex4(i)
                i += 4
                if (0xD800...0xDBFF).contains(scalar), i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u") {
                    let low = try hex4(i + 2)
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
            default: out.append(next) // \" \\ \/
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
