/// A configuration problem, worded for the operator: the file, the line, the key, what is wrong.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// A dotted path such as `persona[2].source[1].interval` (1-based, as an operator counts).
    public var key: String?
    public var detail: String

    public init(file: String, line: Int? = nil, key: String? = nil, detail: String) {
        self.file = file
        self.line = line
        self.key = key
        self.detail = detail
    }

    /// `file:line: key: detail`, the form editors and compilers use.
    public var description: String {
        var head = file
        if let line { head += ":\(line)" }
        if let key { return "\(head): \(key): \(detail)" }
        return "\(head): \(detail)"
    }
}
