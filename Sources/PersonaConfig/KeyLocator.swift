import Foundation

/// Finds the line of a key in the TOML text. TOMLKit gives positions only for syntax errors,
/// so the validator finds its own: it follows `[daemon]`, `[[persona]]` and `[[persona.source]]`
/// headers and returns the line of the key inside the right one (or the header's line).
struct KeyLocator {
    private let text: String
    /// For each `[[persona]]`, the line of its `id` key (or of its header): every persona's line
    /// is asked for, and a scan of the whole text per persona made loading 11,000 personas take
    /// minutes. Found over the text's bytes: splitting it into `Character` lines took a quarter
    /// of such a load.
    let personaIDLines: [Int]

    init(text: String) {
        self.text = text
        var copy = text
        personaIDLines = copy.withUTF8 { Self.personaIDLines(in: $0) }
    }

    private static func personaIDLines(in bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        let header = Array("[[persona]]".utf8)
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
        var personas: [Int] = []
        var inPersona = false
        var number = 0
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            number += 1
            var index = start
            while index < end, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            if index < end, bytes[index] == UInt8(ascii: "[") {
                // The header's name without blanks, up to a comment.
                var matched = 0
                var same = true
                while index < end, bytes[index] != UInt8(ascii: "#") {
                    if !isBlank(bytes[index]) {
                        same = same && matched < header.count && bytes[index] == header[matched]
                        matched += 1
                    }
                    index += 1
                }
                inPersona = same && matched == header.count
                if inPersona { personas.append(number) }
            } else if inPersona, index + 2 < end, bytes[index] == UInt8(ascii: "i"), bytes[index + 1] == UInt8(ascii: "d"),
                      bytes[index + 2] == 0x20 || bytes[index + 2] == UInt8(ascii: "=") || bytes[index + 2] == 0x09 {
                personas[personas.count - 1] = number
                inPersona = false
            }
            start = end + 1
        }
        return personas
    }

    func line(of path: KeyPath) -> Int? {
        if path.parts.count == 2, path.parts[0].name == "persona", let index = path.parts[0].index, path.parts[1].name == "id",
           path.parts[1].index == nil, personaIDLines.indices.contains(index) {
            return personaIDLines[index]
        }
        return scan(for: path)
    }

    /// The general search: follows the headers through the whole text.
    func scan(for path: KeyPath) -> Int? {
        var wantedTable = ""
        var persona: Int?
        var source: Int?
        var key: String?
        for part in path.parts {
            switch (part.name, part.index) {
            case ("persona", let index?): persona = index; wantedTable = "persona"
            case ("source", let index?): source = index; wantedTable = "persona.source"
            case ("daemon", nil), ("scoring", nil): wantedTable = part.name
            default: key = part.name
            }
        }
        var table = ""
        var personaCount = -1
        var sourceCount = -1
        var headerLine: Int?
        // Only on the way to an error message: lines as `Substring`s are fine here.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (number, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                let name = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).split(separator: "#").first
                    .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")) } ?? ""
                table = name
                if name == "persona" { personaCount += 1; sourceCount = -1 }
                if name == "persona.source" { sourceCount += 1 }
                if table == wantedTable && (persona == nil || persona == personaCount) && (source == nil || source == sourceCount) {
                    headerLine = number + 1
                }
                continue
            }
            let inPlace = table == wantedTable && (persona == nil || persona == personaCount) && (source == nil || source == sourceCount)
            guard inPlace, let key else { continue }
            if line.hasPrefix(key), line.dropFirst(key.count).first.map({ $0 == " " || $0 == "=" || $0 == "\t" }) == true {
                return number + 1
            }
        }
        return headerLine
    }
}
