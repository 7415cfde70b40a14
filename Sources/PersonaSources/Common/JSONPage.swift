import Foundation
import PersonaUtilities

/// Typed reading of an API page's JSON over `JSONCursor`: the fields a reader names, nothing
/// else built. A page of 40 statuses is mostly fields no score uses (media, cards, emoji,
/// account profiles); `JSONDecoder` built all of it into a tree and then walked it through
/// `Codable`, about 30 µs a status on this machine.
///
/// As strict as `JSONDecoder` where a reader would otherwise go wrong: a count that is not a
/// whole number, a text that is not a string, a required field missing (the reader says which),
/// bytes after the value, a page cut short. Failures name the record (the index in the page's
/// array, from 1), the field path and the byte offset.
///
/// - Important: values a reader skips are checked only for where they end, and strings are
///   decoded leniently (an invalid UTF-8 byte becomes U+FFFD rather than failing the page).
struct JSONPage {
    /// What is wrong and where: the byte offset, the record and the field path (outermost first).
    struct Failure: Error {
        var detail: String
        var byte: Int
        var record: Int?
        var field: [String] = []

        init(_ detail: String, byte: Int, field: String? = nil) {
            self.detail = detail
            self.byte = byte
            if let field { self.field = [field] }
        }
    }

    private var cursor: JSONCursor

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { cursor = JSONCursor(bytes) }

    /// Reads one page with `body`, which must consume the page's one value.
    static func read<T>(_ data: Data, location: String, _ body: (inout JSONPage) throws(Failure) -> T) throws(SourceError) -> T {
        do {
            return try data.withUnsafeBytes { raw in
                var page = JSONPage(raw.bindMemory(to: UInt8.self))
                guard page.cursor.peek() != nil else { throw Failure("an empty body, not JSON", byte: 0) }
                let value = try body(&page)
                if page.cursor.peek() != nil { throw Failure("unexpected bytes after the JSON value", byte: page.cursor.index) }
                return value
            }
        } catch let failure as Failure {
            return try fail(failure, location: location)
        } catch {
            return try fail(Failure("\(error)", byte: 0), location: location)
        }
    }

    private static func fail<T>(_ failure: Failure, location: String) throws(SourceError) -> T {
        throw SourceError(location: location, record: failure.record, field: failure.field.isEmpty ? nil : failure.field.joined(separator: "."),
                          detail: "\(failure.detail) (byte \(failure.byte))")
    }

    /// Runs a cursor primitive, its failure placed at the cursor.
    private mutating func primitive<T>(_ body: (inout JSONCursor) throws(JSONCursor.Failure) -> T) throws(Failure) -> T {
        do {
            return try body(&cursor)
        } catch {
            throw Failure("malformed JSON: " + error.detail, byte: cursor.index)
        }
    }

    /// Whether the next value is `null` (consumed if so).
    mutating func null() throws(Failure) -> Bool {
        guard cursor.peek() == UInt8(ascii: "n") else { return false }
        try primitive { cursor throws(JSONCursor.Failure) in try cursor.literal("null") }
        return true
    }

    /// Where the cursor is, in bytes from the page's start (for a failure found after the fact).
    var offset: Int { cursor.index }

    /// Whether the next value is an object (not consumed).
    mutating func atObject() -> Bool { cursor.peek() == UInt8(ascii: "{") }

    /// An object's members: `member` is called with each key and must consume its value. A
    /// failure inside a member names the member's key in its field path.
    mutating func object(_ member: (inout JSONPage, String) throws(Failure) -> Void) throws(Failure) {
        try primitive { cursor throws(JSONCursor.Failure) in try cursor.expect(UInt8(ascii: "{")) }
        if cursor.peek() == UInt8(ascii: "}") { cursor.index += 1; return }
        while true {
            let key = try primitive { cursor throws(JSONCursor.Failure) in try cursor.string() }
            try primitive { cursor throws(JSONCursor.Failure) in try cursor.expect(UInt8(ascii: ":")) }
            do {
                try member(&self, key)
            } catch {
                var failure = error
                failure.field.insert(key, at: 0)
                throw failure
            }
            switch cursor.peek() {
            case UInt8(ascii: ","): cursor.index += 1
            case UInt8(ascii: "}"): cursor.index += 1; return
            default: throw Failure("malformed JSON: expected ',' or '}'", byte: cursor.index)
            }
        }
    }

    /// An array's elements; `element` gets each one's position (from 1) and must consume it.
    /// With `records`, a failure names that position as its record.
    mutating func array(records: Bool = false, _ element: (inout JSONPage, Int) throws(Failure) -> Void) throws(Failure) {
        try primitive { cursor throws(JSONCursor.Failure) in try cursor.expect(UInt8(ascii: "[")) }
        if cursor.peek() == UInt8(ascii: "]") { cursor.index += 1; return }
        var position = 0
        while true {
            position += 1
            do {
                try element(&self, position)
            } catch {
                var failure = error
                if records, failure.record == nil { failure.record = position }
                throw failure
            }
            switch cursor.peek() {
            case UInt8(ascii: ","): cursor.index += 1
            case UInt8(ascii: "]"): cursor.index += 1; return
            default: throw Failure("malformed JSON: expected ',' or ']'", byte: cursor.index)
            }
        }
    }

    /// A page's list: each element read by `element`, a failure naming its position as the record.
    mutating func records<T>(_ element: (inout JSONPage) throws(Failure) -> T) throws(Failure) -> [T] {
        var values: [T] = []
        try array(records: true) { page, _ throws(Failure) in values.append(try element(&page)) }
        return values
    }

    /// A string, or `nil` for `null`; anything else fails.
    mutating func string() throws(Failure) -> String? {
        if try null() { return nil }
        guard cursor.peek() == UInt8(ascii: "\"") else { throw Failure("expected a string", byte: cursor.index) }
        return try primitive { cursor throws(JSONCursor.Failure) in try cursor.string() }
    }

    /// An identifier: a string, or a number's digits (some servers send ids as numbers); `nil` for `null`.
    mutating func identifier() throws(Failure) -> String? {
        if try null() { return nil }
        switch cursor.peek() ?? 0 {
        case UInt8(ascii: "\""), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try primitive { cursor throws(JSONCursor.Failure) in try cursor.scalarText() }
        default: throw Failure("expected a string", byte: cursor.index)
        }
    }

    /// A whole number, or `nil` for `null`; a string, a fraction or anything else fails.
    mutating func int() throws(Failure) -> Int? {
        guard let (text, start) = try numberText() else { return nil }
        if let value = Int(text) { return value }
        // JSON allows 3.0 or 3e2 for a whole number.
        if let value = Double(text), value.rounded() == value, let whole = Int(exactly: value) { return whole }
        throw Failure("expected a whole number, found \(text)", byte: start)
    }

    /// A number, or `nil` for `null`; anything else fails.
    mutating func double() throws(Failure) -> Double? {
        guard let (text, start) = try numberText() else { return nil }
        guard let value = Double(text), value.isFinite else { throw Failure("expected a number, found \(text)", byte: start) }
        return value
    }

    /// A number's text and where it starts, or `nil` for `null`; anything else fails.
    private mutating func numberText() throws(Failure) -> (String, Int)? {
        if try null() { return nil }
        let start = cursor.index
        switch cursor.peek() ?? 0 {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let text = try primitive { cursor throws(JSONCursor.Failure) in try cursor.scalarText() }
            return (text ?? "", start)
        default: throw Failure("expected a number", byte: cursor.index)
        }
    }

    /// Whether the value is present and not `null`; the value is skipped.
    mutating func present() throws(Failure) -> Bool {
        if try null() { return false }
        try skip()
        return true
    }

    /// Skips any value.
    mutating func skip() throws(Failure) {
        try primitive { cursor throws(JSONCursor.Failure) in try cursor.skip() }
    }
}
