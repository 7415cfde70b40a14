import Foundation

/// Prepares feed bytes for Foundation's `XMLParser`, which traps (crashes the process) when
/// libxml2 hands it a name that is not valid UTF-8. Every document is therefore given to it as
/// valid UTF-8: UTF-16 (by BOM) and a declared legacy encoding (ISO-8859-1, windows-1252…) are
/// transcoded, the declaration rewritten; bytes that are not valid in the declared encoding are
/// a `SourceError` naming the line.
enum XMLInput {
    static func utf8(_ data: Data, location: String) throws(SourceError) -> Data {
        let bytes = [UInt8](data.prefix(4))
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            let encoding: String.Encoding = bytes[0] == 0xFF ? .utf16LittleEndian : .utf16BigEndian
            guard let text = String(data: data.dropFirst(2), encoding: encoding) else {
                throw SourceError(location: location, detail: "not valid UTF-16 text")
            }
            return Data(redeclared(text).utf8)
        }
        let declared = declaredEncoding(data)
        if let declared, !["utf-8", "utf8", "us-ascii", "ascii"].contains(declared) {
            let encoding: String.Encoding? = switch declared {
            case "iso-8859-1", "latin1", "iso8859-1", "iso_8859-1": .isoLatin1
            case "windows-1252", "cp1252": .windowsCP1252
            case "iso-8859-2": .isoLatin2
            case "utf-16": .utf16
            default: nil
            }
            guard let encoding, let text = String(data: data, encoding: encoding) else {
                throw SourceError(location: location, detail: "declared encoding '\(declared)' is not supported or the bytes are not valid in it")
            }
            return Data(redeclared(text).utf8)
        }
        if let offset = ExportFields.firstInvalidUTF8(data) {
            let line = data.prefix(offset).reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            throw SourceError(location: location, line: line, detail: "not valid UTF-8 (a bad byte at offset \(offset)); the feed declares no other encoding")
        }
        return data
    }

    /// The `encoding` of the XML declaration, lower-cased, if there is one.
    static func declaredEncoding(_ data: Data) -> String? {
        let head = String(decoding: data.prefix(200), as: UTF8.self)
        guard head.hasPrefix("<?xml") || head.hasPrefix("\u{FEFF}<?xml"),
              let end = head.range(of: "?>"), let key = head.range(of: "encoding", range: head.startIndex..<end.lowerBound) else { return nil }
        let rest = head[key.upperBound..<end.lowerBound].drop { $0 == " " || $0 == "=" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote }).lowercased()
    }

    /// `text` with its XML declaration's encoding replaced by UTF-8.
    static func redeclared(_ text: String) -> String {
        guard text.hasPrefix("<?xml"), let end = text.range(of: "?>") else { return text }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + text[end.upperBound...]
    }
}
