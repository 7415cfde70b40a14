/// A reader's failure, naming what an operator needs to find the problem: the file or URL,
/// the entry inside an archive, and the record, line and field where they are known.
public struct SourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The export's path or the feed's URL (without credentials).
    public var location: String
    /// The entry inside an archive (e.g. `data/tweets.js`), if any.
    public var entry: String?
    /// 1-based record number (array element) or line number, if known.
    public var record: Int?
    public var line: Int?
    /// 1-based column on `line`, where the parser tells it (XML feeds).
    public var column: Int?
    public var field: String?
    public var detail: String

    public init(location: String, entry: String? = nil, record: Int? = nil, line: Int? = nil, column: Int? = nil, field: String? = nil,
                detail: String) {
        self.location = location
        self.entry = entry
        self.record = record
        self.line = line
        self.column = column
        self.field = field
        self.detail = detail
    }

    /// One line: `location: entry: line L, column C: record N: field F: detail`.
    public var description: String {
        var parts = [location]
        if let entry { parts.append(entry) }
        if let line { parts.append(column.map { "line \(line), column \($0)" } ?? "line \(line)") }
        if let record { parts.append("record \(record)") }
        if let field { parts.append("field '\(field)'") }
        parts.append(detail)
        return parts.joined(separator: ": ")
    }
}
