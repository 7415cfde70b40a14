/// Refuses the table headers that crash the TOML parser, before it sees them.
///
/// toml++ 3 (under TOMLKit) asserts that a table header's name starts with a key character or a
/// quote: `[# note]` or `[[ # persona]]` aborts the whole process in a build with assertions, and is
/// undefined behaviour without them (found by fuzzing, Docs/reliability.md §4). A typo in a header
/// must be a configuration error naming its line, never a crash — least of all on a reload.
///
/// Important: a deliberately small lexer. It follows strings (basic, literal, multi-line), comments
/// and bracket depth well enough to find the headers (a `[` first on a line, outside any string or
/// array) and leaves every other judgement to the parser.
enum TOMLHeaderGuard {
    static func check(_ text: String, file: String) throws(ConfigError) {
        var text = text
        // Over the bytes: every byte this lexer looks for is ASCII, and walking the text's
        // `unicodeScalars` took a fifth of loading 11,000 personas.
        if let error = text.withUTF8({ firstBadHeader(in: $0, file: file) }) { throw error }
    }

    private static func firstBadHeader(in bytes: UnsafeBufferPointer<UInt8>, file: String) -> ConfigError? {
        let count = bytes.count
        var line = 1
        var depth = 0  // open `[` of array values
        var lineStart = true
        var index = 0
        func peek(_ offset: Int) -> UInt8? { index + offset < count ? bytes[index + offset] : nil }
        func advance() {
            if bytes[index] == 0x0A { line += 1 }
            index += 1
        }
        while index < count {
            let byte = bytes[index]
            switch byte {
            case 0x0A:
                lineStart = true
                advance()
            case 0x20, 0x09, 0x0D:
                advance()
            case UInt8(ascii: "#"):
                while index < count, bytes[index] != 0x0A { advance() }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                lineStart = false
                let multiLine = peek(1) == byte && peek(2) == byte
                index += multiLine ? 3 : 1
                while index < count {
                    if byte == UInt8(ascii: "\""), bytes[index] == UInt8(ascii: "\\") {
                        advance()
                        if index < count { advance() }
                        continue
                    }
                    if bytes[index] == byte, !multiLine || (peek(1) == byte && peek(2) == byte) {
                        index += multiLine ? 3 : 1
                        break
                    }
                    if !multiLine, bytes[index] == 0x0A { break }  // unterminated: the parser says so
                    advance()
                }
            case UInt8(ascii: "[") where lineStart && depth == 0:
                lineStart = false
                index += 1
                if index < count, bytes[index] == UInt8(ascii: "[") { index += 1 }
                while index < count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
                guard index < count else { return nil }
                let first = bytes[index]
                let isName = first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") || first == UInt8(ascii: "]")
                    || (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z"))
                    || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) || first == UInt8(ascii: "_") || first == UInt8(ascii: "-")
                guard isName else {
                    let scalar = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<min(count, index + 4)]), as: UTF8.self)
                        .unicodeScalars.first ?? "\u{FFFD}"
                    return ConfigError(file: file, line: line, detail: "TOML syntax: a table header must start with its name, saw '\(scalar.escaped(asASCII: true))'")
                }
                // The header's name is read by the parser; skip to its end.
                while index < count, bytes[index] != UInt8(ascii: "]"), bytes[index] != 0x0A { index += 1 }
            case UInt8(ascii: "["):
                lineStart = false
                depth += 1
                index += 1
            case UInt8(ascii: "]"):
                lineStart = false
                depth = max(0, depth - 1)
                index += 1
            default:
                lineStart = false
                index += 1
            }
        }
        return nil
    }
}
