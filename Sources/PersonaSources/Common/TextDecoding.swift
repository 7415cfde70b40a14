import Foundation

/// Small text helpers shared by readers.
enum TextDecoding {
    /// Decodes the HTML entities that platforms leave in exported text (`&amp;`, `&gt;`, `&#39;`, `&#x1F600;`).
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var index = text.startIndex
        while index < text.endIndex {
            let char = text[index]
            guard char == "&", let semicolon = text[index...].prefix(12).firstIndex(of: ";") else {
                result.append(char)
                index = text.index(after: index)
                continue
            }
            let name = text[text.index(after: index)..<semicolon]
            if let decoded = entity(name) {
                result.append(decoded)
                index = text.index(after: semicolon)
            } else {
                result.append(char)
                index = text.index(after: index)
            }
        }
        return result
    }

    private static func entity(_ name: Substring) -> Character? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return "\u{00A0}"
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            return value.flatMap(Unicode.Scalar.init).map(Character.init)
        }
    }

    /// Removes tags from an HTML fragment, keeping its text (feeds' `description` and `content`).
    static func stripTags(_ html: String) -> String {
        guard html.contains("<") else { return decodeEntities(html) }
        var result = ""
        var inTag = false
        for char in html {
            if char == "<" { inTag = true } else if char == ">" { inTag = false; result.append(" ") } else if !inTag { result.append(char) }
        }
        return decodeEntities(result.split(whereSeparator: \.isWhitespace).joined(separator: " "))
    }
}
