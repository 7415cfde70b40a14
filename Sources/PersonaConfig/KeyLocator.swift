import Foundation

/// Finds the line of a key in the TOML text. TOMLKit gives positions only for syntax errors,
/// so the validator finds its own: it follows `[daemon]`, `[[persona]]` and `[[persona.source]]`
/// headers and returns the line of the key inside the right one (or the header's line).
struct KeyLocator {
    let lines: [Substring]
    /// For each `[[persona]]`, the line of its `id` key (or of its header): every persona's line
    /// is asked for, and a scan of the whole text per persona made loading 11,000 personas take
    /// minutes.
    let personaIDLines: [Int]

    init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var personas: [Int] = []
        var inPersona = false
        for (number, raw) in lines.enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("[") {
                let name = line.filter { $0 != " " && $0 != "\t" }.prefix { $0 != "#" }
                inPersona = name == "[[persona]]"
                if inPersona { personas.append(number + 1) }
            } else if inPersona, line.hasPrefix("id"), line.dropFirst(2).first.map({ $0 == " " || $0 == "=" || $0 == "\t" }) == true {
                personas[personas.count - 1] = number + 1
                inPersona = false
            }
        }
        personaIDLines = personas
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
