/// Writes the small JSON values personad keeps in its store's columns (tag lists, validators,
/// memos, component points) without a `JSONEncoder`: these are written and read per row on the
/// hot path, and `JSONCursor` reads them back.
public enum JSONText {
    /// Appends `text` as a JSON string literal (quotes, backslashes and control characters escaped).
    public static func appendString(_ text: String, to out: inout String) {
        out.append("\"")
        let needsEscaping = text.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        guard needsEscaping else {
            out.append(text)
            out.append("\"")
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }

    /// `["a","b"]`.
    public static func array(_ values: [String]) -> String {
        var out = "["
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(",") }
            appendString(value, to: &out)
        }
        out.append("]")
        return out
    }

    /// `{"key":"value",…}` in the order given; a nil value is written as `null`.
    public static func object(_ members: [(String, String?)]) -> String {
        var out = "{"
        for (index, (key, value)) in members.enumerated() {
            if index > 0 { out.append(",") }
            appendString(key, to: &out)
            out.append(":")
            if let value { appendString(value, to: &out) } else { out.append("null") }
        }
        out.append("}")
        return out
    }

    /// A number as JSON: the shortest form that reads back exactly; `null` for none or a non-finite value.
    public static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        return "\(value)"
    }
}
