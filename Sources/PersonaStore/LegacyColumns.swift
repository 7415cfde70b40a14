import Foundation

/// The column encodings before migration v4, read once to rewrite them as JSON: tags joined by
/// U+001F; validators and memos as lines of tab-separated fields; component points as lines of
/// `name TAB normalized TAB contribution` (`-` for none).
enum LegacyColumns {
    static func tags(_ text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: "\u{1F}").map(String.init)
    }

    static func validators(_ text: String) -> [String: Validators] {
        var result: [String: Validators] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            result[String(fields[0])] = Validators(etag: fields[1].isEmpty ? nil : String(fields[1]),
                                                    lastModified: fields[2].isEmpty ? nil : String(fields[2]))
        }
        return result
    }

    static func memo(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            if fields.count == 2 { result[String(fields[0])] = String(fields[1]) }
        }
        return result
    }

    /// Already in `StoreColumns.parts`'s JSON form.
    static func parts(_ text: String) -> String {
        StoreColumns.parts(text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3 else { return nil }
            return (String(fields[0]), Double(fields[1]), Double(fields[2]))
        })
    }
}
