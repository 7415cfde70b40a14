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
        var line = 1
        var depth = 0  // open `[` of array values
        var lineStart = true
        var index = text.unicodeScalars.startIndex
        let scalars = text.unicodeScalars
        func peek(_ offset: Int) -> Unicode.Scalar? {
            var position = index
            for _ in 0..<offset {
                guard position < scalars.endIndex else { return nil }
                position = scalars.index(after: position)
            }
            return position < scalars.endIndex ? scalars[position] : nil
        }
        func advance() {
            if scalars[index] == "\n" { line += 1 }
            index = scalars.index(after: index)
        }
        while index < scalars.endIndex {
            let scalar = scalars[index]
            switch scalar {
            case "\n":
                lineStart = true
                advance()
            case " ", "\t", "\r":
                advance()
            case "#":
                while index < scalars.endIndex, scalars[index] != "\n" { advance() }
            case "\"", "'":
                lineStart = false
                let multiLine = peek(1) == scalar && peek(2) == scalar
                for _ in 0..<(multiLine ? 3 : 1) { advance() }
                while index < scalars.endIndex {
                    if scalar == "\"", scalars[index] == "\\" {
                        advance()
                        if index < scalars.endIndex { advance() }
                        continue
                    }
                    if scalars[index] == scalar, !multiLine || (peek(1) == scalar && peek(2) == scalar) {
                        for _ in 0..<(multiLine ? 3 : 1) { advance() }
                        break
                    }
                    if !multiLine, scalars[index] == "\n" { break }  // unterminated: the parser says so
                    advance()
                }
            case "[" where lineStart && depth == 0:
                lineStart = false
                advance()
                if index < scalars.endIndex, scalars[index] == "[" { advance() }
                while index < scalars.endIndex, scalars[index] == " " || scalars[index] == "\t" { advance() }
                guard index < scalars.endIndex else { return }
                let first = scalars[index]
                guard first == "\"" || first == "'" || first == "]" || first.properties.isAlphabetic && first.isASCII
                        || ("0"..."9").contains(first) || first == "_" || first == "-" else {
                    throw ConfigError(file: file, line: line, detail: "TOML syntax: a table header must start with its name, saw '\(first.escaped(asASCII: true))'")
                }
                // The header's name is read by the parser; skip to its end.
                while index < scalars.endIndex, scalars[index] != "]", scalars[index] != "\n" { advance() }
            case "[":
                lineStart = false
                depth += 1
                advance()
            case "]":
                lineStart = false
                depth = max(0, depth - 1)
                advance()
            default:
                lineStart = false
                advance()
            }
        }
    }
}
