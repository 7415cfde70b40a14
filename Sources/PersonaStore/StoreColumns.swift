import Foundation
import PersonaModel
import PersonaSnapshots
import PersonaUtilities

/// The store's JSON columns: a post's tags (`["swift","linux"]`), a source's validators
/// (`{"url":{"etag":…,"last_modified":…}}`) and memo (`{"key":"value"}`), and a history entry's
/// component points (`[{"name":…,"normalized":…,"contribution":…}]`). SQLite's JSON functions can
/// read them; personad writes them with `JSONText` and reads them with `JSONCursor`, because they
/// are written and read per row on the hot path.
///
/// Important: an empty text is read as an empty value (the columns' SQL defaults are `''`);
/// anything else that is not the JSON written here is an error naming the column.
enum StoreColumns {
    struct Malformed: Error, CustomStringConvertible {
        var column: String
        var detail: String
        var description: String { "column '\(column)' holds malformed JSON: \(detail)" }
    }

    // MARK: Writing

    static func tags(_ tags: [String]) -> String { JSONText.array(tags) }

    static func validators(_ validators: [String: Validators]) -> String {
        var out = "{"
        for (index, url) in validators.keys.sorted().enumerated() {
            if index > 0 { out.append(",") }
            JSONText.appendString(url, to: &out)
            out.append(":")
            out.append(JSONText.object([("etag", validators[url]?.etag), ("last_modified", validators[url]?.lastModified)]))
        }
        out.append("}")
        return out
    }

    static func memo(_ memo: [String: String]) -> String {
        JSONText.object(memo.keys.sorted().map { ($0, memo[$0]) })
    }

    static func parts(_ score: Score) -> String {
        parts(score.components.map { ($0.name, $0.normalized, $0.contribution) })
    }

    /// Each component's points: `[{"name":…,"normalized":…,"contribution":…}]`.
    static func parts(_ parts: [(name: String, normalized: Double?, contribution: Double?)]) -> String {
        "[" + parts.map { part in
            var out = "{\"name\":"
            JSONText.appendString(part.name, to: &out)
            out.append(",\"normalized\":\(JSONText.number(part.normalized)),\"contribution\":\(JSONText.number(part.contribution))}")
            return out
        }.joined(separator: ",") + "]"
    }

    // MARK: Reading

    static func tags(from text: String) throws(Malformed) -> [String] {
        try read(text, column: "tags", empty: []) { cursor throws(JSONCursor.Failure) in
            var tags: [String] = []
            try cursor.array { cursor throws(JSONCursor.Failure) in
                if let tag = try cursor.scalarText() { tags.append(tag) }
            }
            return tags
        }
    }

    static func validators(from text: String) throws(Malformed) -> [String: Validators] {
        try read(text, column: "validators", empty: [:]) { cursor throws(JSONCursor.Failure) in
            var result: [String: Validators] = [:]
            try cursor.object { cursor, url throws(JSONCursor.Failure) in
                var value = Validators(etag: nil, lastModified: nil)
                try cursor.object { cursor, key throws(JSONCursor.Failure) in
                    switch key {
                    case "etag": value.etag = try cursor.scalarText()
                    case "last_modified": value.lastModified = try cursor.scalarText()
                    default: try cursor.skip()
                    }
                }
                result[url] = value
            }
            return result
        }
    }

    static func memo(from text: String) throws(Malformed) -> [String: String] {
        try read(text, column: "memo", empty: [:]) { cursor throws(JSONCursor.Failure) in
            var result: [String: String] = [:]
            try cursor.object { cursor, key throws(JSONCursor.Failure) in result[key] = try cursor.scalarText() }
            return result
        }
    }

    static func parts(from text: String) throws(Malformed) -> [PersonaSnapshot.PreviousScore.Part] {
        try read(text, column: "parts", empty: []) { cursor throws(JSONCursor.Failure) in
            var parts: [PersonaSnapshot.PreviousScore.Part] = []
            try cursor.array { cursor throws(JSONCursor.Failure) in
                var part = PersonaSnapshot.PreviousScore.Part(name: "", normalized: nil, contribution: nil)
                try cursor.object { cursor, key throws(JSONCursor.Failure) in
                    switch key {
                    case "name": part.name = try cursor.scalarText() ?? ""
                    case "normalized": part.normalized = try cursor.scalarText().flatMap(Double.init)
                    case "contribution": part.contribution = try cursor.scalarText().flatMap(Double.init)
                    default: try cursor.skip()
                    }
                }
                parts.append(part)
            }
            return parts
        }
    }

    private static func read<T>(_ text: String, column: String, empty: T,
                                _ body: (inout JSONCursor) throws(JSONCursor.Failure) -> T) throws(Malformed) -> T {
        // Most rows hold no tags, validators or memo: no cursor for those.
        guard !text.isEmpty, text != "[]", text != "{}" else { return empty }
        var text = text
        let result: Result<T, JSONCursor.Failure> = text.withUTF8 { bytes in
            var cursor = JSONCursor(bytes)
            do throws(JSONCursor.Failure) {
                let value = try body(&cursor)
                guard cursor.peek() == nil else { throw JSONCursor.Failure(detail: "unexpected bytes after the value at byte \(cursor.index)") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let value): return value
        case .failure(let failure): throw Malformed(column: column, detail: failure.detail)
        }
    }
}
