import Foundation

/// Small text helpers shared by readers. They work on UTF-8 bytes and avoid Foundation's
/// `NSString` paths: they run on every field of every record.
enum TextDecoding {
    /// Decodes the HTML entities that platforms leave in exported text (`&amp;`, `&gt;`, `&#39;`,
    /// `&#x1F600;`); an `&` that starts no known entity is kept as it is. Works on UTF-8 bytes.
    static func decodeEntities(_ text: String) -> String {
        var utf8 = text.utf8
        guard utf8.contains(UInt8(ascii: "&")) else { return text }
        return utf8.withContiguousStorageIfAvailable { decodeEntities(bytes: $0) } ?? {
            var copy = text
            copy.makeContiguousUTF8()
            utf8 = copy.utf8
            return utf8.withContiguousStorageIfAvailable { decodeEntities(bytes: $0) } ?? text
        }()
    }

    private static func decodeEntities(bytes: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "&") else {
                out.append(byte)
                index += 1
                continue
            }
            var end = index + 1
            while end < bytes.count, end - index <= 10, bytes[end] != UInt8(ascii: ";"), bytes[end] != UInt8(ascii: "&") { end += 1 }
            if end < bytes.count, bytes[end] == UInt8(ascii: ";"),
               let decoded = entity(UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end])) {
                out.append(contentsOf: String(decoded).utf8)
                index = end + 1
            } else {
                out.append(byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func entity(_ name: UnsafeBufferPointer<UInt8>) -> Character? {
        switch String(decoding: name, as: UTF8.self) {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return "\u{00A0}"
        case let other:
            guard other.hasPrefix("#") else { return nil }
            let digits = other.dropFirst()
            let value = digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            return value.flatMap(Unicode.Scalar.init).map(Character.init)
        }
    }

    /// Removes tags from an HTML fragment, keeping its text with runs of white space folded
    /// (feeds' `description` and `content`, Mastodon's `content`).
    static func stripTags(_ html: String) -> String {
        let bytes = html.utf8
        guard bytes.contains(UInt8(ascii: "<")) || bytes.contains(where: isSpace) else { return decodeEntities(html) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var inTag = false
        var pendingSpace = false
        for byte in bytes {
            if byte == UInt8(ascii: "<") {
                inTag = true
            } else if byte == UInt8(ascii: ">") {
                inTag = false
                pendingSpace = true
            } else if !inTag {
                if isSpace(byte) {
                    pendingSpace = true
                } else {
                    if pendingSpace, !out.isEmpty { out.append(0x20) }
                    pendingSpace = false
                    out.append(byte)
                }
            }
        }
        return decodeEntities(String(decoding: out, as: UTF8.self))
    }

    /// `text` without leading and trailing ASCII white space.
    static func trimmed(_ text: String) -> String {
        let bytes = text.utf8
        guard let first = bytes.firstIndex(where: { !isSpace($0) }) else { return "" }
        guard let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        if first == bytes.startIndex, bytes.index(after: last) == bytes.endIndex { return text }
        return String(text[first...last])
    }

    /// `text` without leading and trailing `characters` (ASCII only).
    static func trimmed(_ text: String, _ characters: String) -> String {
        let set = Set(characters.utf8)
        let bytes = text.utf8
        guard let first = bytes.firstIndex(where: { !set.contains($0) }),
              let last = bytes.lastIndex(where: { !set.contains($0) }) else { return "" }
        return String(text[first...last])
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
}
