import Foundation
import PersonaModel
import PersonaUtilities

/// Field helpers shared by the export readers.
enum ExportFields {
    /// Unix seconds; `0` (Meta's "none") and absent give nil.
    static func timestamp(_ value: Any?) -> Date? {
        guard let seconds = (value as? NSNumber)?.doubleValue, seconds > 0 else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    /// Exports give many records no id: one is made from the kind, the time and the content, the
    /// same on every read of the same export.
    static func id(_ kind: String, _ date: Date, _ content: String) -> String {
        "\(kind):\(Int(date.timeIntervalSince1970)):\(StableHash.hex(content))"
    }

    /// `#hashtags` in free text, lower-cased, without the `#`.
    static func hashtags(_ text: String) -> [String] {
        text.split(whereSeparator: { $0.isWhitespace }).compactMap { word in
            guard word.hasPrefix("#"), word.count > 1 else { return nil }
            let tag = word.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            return tag.isEmpty ? nil : tag.lowercased()
        }
    }

    /// The offset of the first byte that is not valid UTF-8, or nil if all of them are.
    /// `Data` is walked through its raw buffer: its own iterator costs a call per byte.
    static func firstInvalidUTF8(_ data: Data) -> Int? {
        data.withUnsafeBytes { firstInvalidUTF8($0) }
    }

    static func firstInvalidUTF8(_ bytes: some Collection<UInt8>) -> Int? {
        var offset = 0
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
