import Foundation

/// Pulls the fields personad needs out of one tweet record's bytes (`{"tweet": {…}}`, or the bare
/// object before 2020), skipping everything else without building a JSON tree: the archive's
/// records are mostly fields no score uses (edit info, display ranges, media).
struct XTweetParser {
    struct Tweet {
        var id: String?
        var createdAt: String?
        var text: String?
        var likes: Int?
        var reposts: Int?
        var replyToStatus: String?
        var replyToUser: String?
        var replyToName: String?
        var hashtags: [String] = []
    }

    struct Failure: Error { var detail: String }

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> Tweet {
        var parser = XTweetParser(bytes)
        var tweet = Tweet()
        try parser.object { parser, key throws(Failure) in
            if key == "tweet", parser.peek() == UInt8(ascii: "{") {
                try parser.object { parser, key throws(Failure) in try parser.field(key, into: &tweet) }
                return
            }
            try parser.field(key, into: &tweet)
        }
        return tweet
    }

    private mutating func field(_ key: String, into tweet: inout Tweet) throws(Failure) {
        switch key {
        case "id_str": tweet.id = try scalarText() ?? tweet.id
        case "id": if tweet.id == nil { tweet.id = try scalarText() } else { try skip() }
        case "created_at": tweet.createdAt = try scalarText()
        case "full_text": tweet.text = try scalarText()
        case "text": if tweet.text == nil { tweet.text = try scalarText() } else { try skip() }
        case "favorite_count": tweet.likes = try scalarText().flatMap { Int($0) }
        case "retweet_count": tweet.reposts = try scalarText().flatMap { Int($0) }
        case "in_reply_to_status_id_str", "in_reply_to_status_id":
            tweet.replyToStatus = try scalarText() ?? tweet.replyToStatus
        case "in_reply_to_user_id_str", "in_reply_to_user_id":
            tweet.replyToUser = try scalarText() ?? tweet.replyToUser
        case "in_reply_to_screen_name": tweet.replyToName = try scalarText()
        case "entities" where peek() == UInt8(ascii: "{"):
            try object { parser, key throws(Failure) in
                guard key == "hashtags", parser.peek() == UInt8(ascii: "[") else { try parser.skip(); return }
                try parser.array { parser throws(Failure) in
                    guard parser.peek() == UInt8(ascii: "{") else { try parser.skip(); return }
                    try parser.object { parser, key throws(Failure) in
                        if key == "text", let tag = try parser.scalarText() { tweet.hashtags.append(tag.lowercased()) } else { try parser.skip() }
                    }
                }
            }
        default: try skip()
        }
    }

    // MARK: A minimal JSON cursor

    mutating func peek() -> UInt8? {
        while index < bytes.count, JSArrayStreamer.isSpace(bytes[index]) { index += 1 }
        return index < bytes.count ? bytes[index] : nil
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        guard peek() == byte else {
            throw Failure(detail: "expected '\(Character(Unicode.Scalar(byte)))' at byte \(index)")
        }
        index += 1
    }

    /// Calls `member` for each key, positioned at its value, which `member` must consume.
    mutating func object(_ member: (inout XTweetParser, String) throws(Failure) -> Void) throws(Failure) {
        try expect(UInt8(ascii: "{"))
        if peek() == UInt8(ascii: "}") { index += 1; return }
        while true {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            try member(&self, key)
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return
            default: throw Failure(detail: "expected ',' or '}' at byte \(index)")
            }
        }
    }

    mutating func array(_ element: (inout XTweetParser) throws(Failure) -> Void) throws(Failure) {
        try expect(UInt8(ascii: "["))
        if peek() == UInt8(ascii: "]") { index += 1; return }
        while true {
            try element(&self)
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return
            default: throw Failure(detail: "expected ',' or ']' at byte \(index)")
            }
        }
    }

    /// A string's or a number's text; nil for `null`. Objects and arrays are skipped (nil).
    mutating func scalarText() throws(Failure) -> String? {
        switch peek() {
        case UInt8(ascii: "\""): return try string()
        case UInt8(ascii: "n"): try literal("null"); return nil
        case UInt8(ascii: "t"): try literal("true"); return "true"
        case UInt8(ascii: "f"): try literal("false"); return "false"
        case UInt8(ascii: "{"), UInt8(ascii: "["): try skip(); return nil
        case nil: throw Failure(detail: "the record ends early")
        default:
            let start = index
            while index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: ".")
                    || bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") || (bytes[index] >= 0x30 && bytes[index] <= 0x39) {
                index += 1
            }
            guard index > start else { throw Failure(detail: "unexpected byte at \(index)") }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let length = word.utf8CodeUnitCount
        guard index + length <= bytes.count else { throw Failure(detail: "the record ends early") }
        index += length
    }

    /// A JSON string, unescaped (`\n`, `\"`, and `\u` escapes of four hex digits, surrogate pairs joined).
    mutating func string() throws(Failure) -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        var escapes = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return escapes ? try Self.unescape(raw) : String(decoding: raw, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { escapes = true; index += 1 }
            index += 1
        }
        throw Failure(detail: "a string never closes")
    }

    /// Skips any value.
    mutating func skip() throws(Failure) {
        switch peek() {
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var inString = false
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if inString {
                    if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
                } else if byte == UInt8(ascii: "\"") {
                    inString = true
                } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    depth += 1
                } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { return }
                }
            }
            throw Failure(detail: "the record ends early")
        default: _ = try scalarText()
        }
    }

    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws(Failure) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func hex4(_ at: Int) throws(Failure) -> UInt32 {
            guard at + 4 <= raw.count else { throw Failure(detail: "a \\u escape is cut short") }
            var value: UInt32 = 0
            for byte in raw[at..<at + 4] {
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x37
                case 0x61...0x66: digit = byte - 0x57
                default: throw Failure(detail: "a \\u escape holds a non-hex digit")
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while i < raw.count {
            let byte = raw[i]
            guard byte == UInt8(ascii: "\\"), i + 1 < raw.count else { out.append(byte); i += 1; continue }
            let next = raw[i + 1]
            i += 2
            switch next {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = try hex4(i)
                i += 4
                if (0xD800...0xDBFF).contains(scalar), i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u") {
                    let low = try hex4(i + 2)
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
            default: out.append(next) // \" \\ \/
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
