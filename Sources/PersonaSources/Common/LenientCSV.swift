import Foundation

/// A CSV reader for the files platforms put in exports, which break strict RFC 4180 readers:
///
/// - the header is not always on line 1 (LinkedIn's `Notes:` preamble): it is found by its names;
/// - quotes inside quoted fields come doubled (`""`) or backslash-escaped (`\"`, LinkedIn's
///   `Comments.csv`); both are read;
/// - the file may be UTF-8 (with or without a BOM) or UTF-16 with a BOM, comma- or TAB-separated
///   (LinkedIn's 2018 `Shares.csv` is UTF-16LE and TAB-separated);
/// - quoted fields span lines; rows whose fields are all blank are skipped.
///
/// Hand-written because the CSV libraries in reach read only strict RFC 4180, and these files are
/// not; errors name the file and the line where the broken record starts.
struct LenientCSV {
    struct Row {
        /// 1-based line where the record starts.
        var line: Int
        var fields: [String: String]

        subscript(_ name: String) -> String? {
            guard let value = fields[name] else { return nil }
            return value.isEmpty ? nil : value
        }
    }

    var header: [String]
    var rows: [Row]

    /// Reads `data`, whose header line holds every name in `required` (case-insensitive, trimmed).
    static func read(_ data: Data, required: [String], location: String, entry: String) throws(SourceError) -> LenientCSV {
        let text = try decode(data, location: location, entry: entry)
        var lines = 0
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field: [Character] = []
        var inQuotes = false
        var quoteStartLine = 1
        var recordLine = 1
        var line = 1
        let delimiter: Character = headerDelimiter(text)
        var iterator = Array(text).makeIterator()
        var pending: Character?
        func next() -> Character? {
            if let value = pending { pending = nil; return value }
            return iterator.next()
        }
        while let char = next() {
            if inQuotes {
                if char == "\\" {
                    if let following = next() {
                        if following == "\"" { field.append("\"") } else { field.append(char); pending = following }
                    } else { field.append(char) }
                } else if char == "\"" {
                    if let following = next() {
                        if following == "\"" { field.append("\"") } else { inQuotes = false; pending = following }
                    } else { inQuotes = false }
                } else {
                    if char == "\n" || char == "\r\n" { line += 1 }
                    field.append(char)
                }
                continue
            }
            switch char {
            case "\"" where field.allSatisfy({ $0 == " " }):
                field.removeAll()
                inQuotes = true
                quoteStartLine = line
            case delimiter:
                fields.append(String(field))
                field.removeAll(keepingCapacity: true)
            case "\n", "\r\n", "\r":
                fields.append(String(field))
                field.removeAll(keepingCapacity: true)
                records.append((recordLine, fields))
                fields.removeAll(keepingCapacity: true)
                line += 1
                recordLine = line
            default:
                field.append(char)
            }
        }
        if inQuotes {
            throw SourceError(location: location, entry: entry, line: quoteStartLine, detail: "a quoted field is never closed (broken quote)")
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(String(field))
            records.append((recordLine, fields))
        }
        lines = line
        let wanted = required.map { $0.lowercased() }
        guard let headerIndex = records.firstIndex(where: { record in
            let names = Set(record.fields.map { TextDecoding.trimmed($0).lowercased() })
            return wanted.allSatisfy(names.contains)
        }) else {
            throw SourceError(location: location, entry: entry,
                              detail: "no header line with \(required.joined(separator: ", ")) in \(lines) lines")
        }
        let header = records[headerIndex].fields.map { TextDecoding.trimmed($0) }
        var rows: [Row] = []
        for record in records[(headerIndex + 1)...] {
            guard record.fields.contains(where: { !TextDecoding.trimmed($0).isEmpty }) else { continue }
            var values: [String: String] = [:]
            for (index, name) in header.enumerated() where index < record.fields.count {
                values[name] = record.fields[index]
            }
            rows.append(Row(line: record.line, fields: values))
        }
        return LenientCSV(header: header, rows: rows)
    }

    /// TAB when the first non-empty line has more tabs than commas.
    static func headerDelimiter(_ text: String) -> Character {
        let first = text.split(separator: "\n", maxSplits: 8).first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
        return first.filter { $0 == "\t" }.count > first.filter { $0 == "," }.count ? "\t" : ","
    }

    /// UTF-8 (BOM or not), or UTF-16 with a BOM.
    static func decode(_ data: Data, location: String, entry: String) throws(SourceError) -> String {
        let bytes = [UInt8](data.prefix(3))
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE {
            guard let text = String(data: data.dropFirst(2), encoding: .utf16LittleEndian) else {
                throw SourceError(location: location, entry: entry, detail: "not valid UTF-16LE text")
            }
            return text
        }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            guard let text = String(data: data.dropFirst(2), encoding: .utf16BigEndian) else {
                throw SourceError(location: location, entry: entry, detail: "not valid UTF-16BE text")
            }
            return text
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...]
        guard let text = String(validatingUTF8Bytes: body) else {
            let offset = ExportFields.firstInvalidUTF8(body) ?? body.count
            let line = body.prefix(offset).reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            throw SourceError(location: location, entry: entry, line: line,
                              detail: "not UTF-8 text (an invalid byte at offset \(offset)); exports are UTF-8 or UTF-16")
        }
        return text
    }
}

extension String {
    /// The UTF-8 decoding of `bytes`, or nil if they are not valid UTF-8.
    init?(validatingUTF8Bytes bytes: some Collection<UInt8>) {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var scalars = String.UnicodeScalarView()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: self = String(scalars); return
            case .error: return nil
            }
        }
    }
}
