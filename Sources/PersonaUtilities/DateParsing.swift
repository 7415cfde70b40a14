import Foundation

/// Parsers for the date formats that exports and feeds use. Hand-written because they are
/// small, run per record on hot paths, and must not depend on the machine's locale.
public enum DateParsing {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since 1970 for a proleptic Gregorian UTC date (Howard Hinnant's days_from_civil).
    public static func epoch(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour),
              (0...59).contains(minute), (0...60).contains(second) else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Date(timeIntervalSince1970: TimeInterval(days * 86400 + hour * 3600 + minute * 60 + second))
    }

    /// `Fri Mar 06 13:02:05 +0000 2026` (X archives; English names whatever the locale).
    public static func twitter(_ text: String) -> Date? {
        if let date = twitterFixed(text) { return date }
        let parts = text.split(separator: " ")
        guard parts.count == 6, let month = monthIndex(parts[1]), let day = Int(parts[2]),
              let year = Int(parts[5]), let offset = zoneOffset(parts[4]) else { return nil }
        guard let (h, m, s) = clock(parts[3]) else { return nil }
        return epoch(year: year, month: month, day: day, hour: h, minute: m, second: s)?.addingTimeInterval(-offset)
    }

    /// The fast path for the exact 30-byte layout every X archive uses.
    static func twitterFixed(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { b -> Date? in
            guard b.count == 30, b[3] == 0x20, b[7] == 0x20, b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x20, b[25] == 0x20 else { return nil }
            func number(_ from: Int, _ count: Int) -> Int? {
                var value = 0
                for i in from..<from + count {
                    guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                    value = value * 10 + Int(b[i] - 0x30)
                }
                return value
            }
            let month = [b[4] | 0x20, b[5] | 0x20, b[6] | 0x20]
            guard let monthIndex = monthBytes.firstIndex(of: month), let day = number(8, 2), let hour = number(11, 2),
                  let minute = number(14, 2), let second = number(17, 2), let zone = number(21, 4), let year = number(26, 4),
                  b[20] == UInt8(ascii: "+") || b[20] == UInt8(ascii: "-") else { return nil }
            let offset = TimeInterval((zone / 100) * 3600 + (zone % 100) * 60) * (b[20] == UInt8(ascii: "-") ? -1 : 1)
            return epoch(year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second)?.addingTimeInterval(-offset)
        }
    }

    /// RFC 822 / RFC 1123 as used by RSS `pubDate`: `Mon, 02 Jan 2006 15:04:05 -0700`, with an
    /// optional weekday, optional seconds, 2- or 4-digit years and named zones (`GMT`, `EST`…).
    public static func rfc822(_ text: String) -> Date? {
        var parts = text.split { $0 == " " || $0 == "," }
        if let first = parts.first, first.first?.isLetter == true { parts.removeFirst() }
        guard parts.count >= 4, let day = Int(parts[0]), let month = monthIndex(parts[1]),
              var year = Int(parts[2]), let (h, m, s) = clock(parts[3]) else { return nil }
        if year < 100 { year += year < 50 ? 2000 : 1900 }
        let offset = parts.count > 4 ? (zoneOffset(parts[4]) ?? 0) : 0
        return epoch(year: year, month: month, day: day, hour: h, minute: m, second: s)?.addingTimeInterval(-offset)
    }

    /// The fast path for RFC 822 as nearly every feed writes it, on bytes:
    /// `[Ddd, ]D[D] Mon YYYY HH:MM[:SS] ±hhmm|GMT|UT|Z`. nil for anything else (the general
    /// parser then tries).
    static func rfc822Fixed(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { b -> Date? in
            var i = 0
            func isLetter(_ byte: UInt8) -> Bool { byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A }
            func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
            func number(maximum: Int) -> Int? {
                var value = 0
                let start = i
                while i < b.count, i - start < maximum, isDigit(b[i]) { value = value * 10 + Int(b[i] - 0x30); i += 1 }
                return i > start ? value : nil
            }
            func space() -> Bool {
                guard i < b.count, b[i] == 0x20 else { return false }
                while i < b.count, b[i] == 0x20 { i += 1 }
                return true
            }
            if b.count > 4, isLetter(b[0]), isLetter(b[1]), isLetter(b[2]), b[3] == 0x2C {
                i = 4
                guard space() else { return nil }
            }
            guard let day = number(maximum: 2), space(), i + 3 <= b.count else { return nil }
            let month = [b[i] | 0x20, b[i + 1] | 0x20, b[i + 2] | 0x20]
            guard let monthIndex = monthBytes.firstIndex(of: month) else { return nil }
            i += 3
            guard space(), var year = number(maximum: 4), space(), let hour = number(maximum: 2), i < b.count, b[i] == 0x3A else { return nil }
            i += 1
            guard let minute = number(maximum: 2) else { return nil }
            var second = 0
            if i < b.count, b[i] == 0x3A {
                i += 1
                guard let value = number(maximum: 2) else { return nil }
                second = value
            }
            if year < 100 { year += year < 50 ? 2000 : 1900 }
            var offset = 0
            if space() {
                let rest = b.count - i
                if rest == 5, b[i] == 0x2B || b[i] == 0x2D {
                    i += 1
                    guard let zone = number(maximum: 4), i == b.count else { return nil }
                    offset = ((zone / 100) * 3600 + (zone % 100) * 60) * (b[b.count - 5] == 0x2D ? -1 : 1)
                } else if (rest == 3 && b[i] | 0x20 == 0x67 && b[i + 1] | 0x20 == 0x6D && b[i + 2] | 0x20 == 0x74)
                            || (rest == 2 && b[i] | 0x20 == 0x75 && b[i + 1] | 0x20 == 0x74) || (rest == 1 && b[i] | 0x20 == 0x7A) {
                    i = b.count
                } else {
                    return nil
                }
            }
            guard i == b.count else { return nil }
            return epoch(year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second)?
                .addingTimeInterval(TimeInterval(-offset))
        }
    }

    /// `text` without leading and trailing ASCII white space, on bytes.
    static func trimmedASCII(_ text: String) -> String {
        let bytes = text.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        guard let first = bytes.first, let last = bytes.last, isSpace(first) || isSpace(last) else { return text }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }), let end = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(text[start...end])
    }

    /// An HTTP date (RFC 9110): IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, the obsolete RFC 850
    /// form `Sunday, 06-Nov-94 08:49:37 GMT`, or asctime `Sun Nov  6 08:49:37 1994`.
    public static func httpDate(_ text: String) -> Date? {
        if let date = rfc822(text) { return date }
        // RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`.
        let words = text.split { $0 == " " || $0 == "," || $0 == "-" }
        if words.count == 6, let date = rfc822(words.joined(separator: " ")) { return date }
        let parts = text.split(separator: " ")
        guard parts.count == 5, let month = monthIndex(parts[1]), let day = Int(parts[2]), let year = Int(parts[4]),
              let (h, m, s) = clock(parts[3]) else { return nil }
        return epoch(year: year, month: month, day: day, hour: h, minute: m, second: s)
    }

    /// RFC 3339 / ISO 8601: `2026-03-06T13:02:05Z`, `…05.123Z`, `…05+01:00`, or a bare date.
    public static func iso8601(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<from + count] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0, 4), bytes.count >= 10, bytes[4] == 0x2D, let month = number(5, 2),
              bytes[7] == 0x2D, let day = number(8, 2) else { return nil }
        if bytes.count == 10 { return epoch(year: year, month: month, day: day, hour: 0, minute: 0, second: 0) }
        guard bytes.count >= 19, bytes[10] == 0x54 || bytes[10] == 0x74 || bytes[10] == 0x20,
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2) else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            var scale = 0.1
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0.0
        if index < bytes.count {
            switch bytes[index] {
            case 0x5A, 0x7A: offset = 0
            case 0x2B, 0x2D:
                guard let oh = number(index + 1, 2) else { return nil }
                let colon = index + 3 < bytes.count && bytes[index + 3] == 0x3A
                let om = number(index + (colon ? 4 : 3), 2) ?? 0
                offset = Double(oh * 3600 + om * 60) * (bytes[index] == 0x2D ? -1 : 1)
            default: return nil
            }
        }
        return epoch(year: year, month: month, day: day, hour: hour, minute: minute, second: second)?
            .addingTimeInterval(fraction - offset)
    }

    /// A feed's date in any form feeds are found to use: RFC 822 with its variants (`pubDate`),
    /// ISO 8601 / W3C-DTF (`dc:date`, Atom), asctime, and W3C-DTF's reduced forms: no seconds
    /// (`2003-12-31T10:14Z`), a month (`2003-12`) or a year (`2003`), the compact basic format
    /// (`20031231T101455Z`) and a date without a time (`31 Dec 2003`). A reduced date is its
    /// first instant, in UTC when it names no zone.
    public static func feed(_ raw: String) -> Date? {
        let text = trimmedASCII(raw)
        guard !text.isEmpty else { return nil }
        if let date = rfc822Fixed(text) ?? iso8601(text) ?? rfc822(text) ?? httpDate(text) { return date }
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Bool {
            range.upperBound <= bytes.count && bytes[range].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }
        // `YYYY-MM-DDThh:mm` and a zone: no seconds.
        if bytes.count >= 16, digits(0..<4), bytes[4] == 0x2D, bytes[13] == 0x3A, bytes.count == 16 || bytes[16] != 0x3A {
            var filled = Array(bytes[0..<16]) + Array(":00".utf8) + Array(bytes[16...])
            if filled.count > 19, filled[19] == 0x20 { filled.remove(at: 19) } // `… +01:00`
            if let date = iso8601(String(decoding: filled, as: UTF8.self)) { return date }
        }
        // `…:ss +01:00`: a space before the zone.
        if bytes.count > 20, bytes[10] == 0x54 || bytes[10] == 0x20, bytes[19] == 0x20 {
            if let date = iso8601(String(decoding: bytes[0..<19] + bytes[20...], as: UTF8.self)) { return date }
        }
        if bytes.count == 7, digits(0..<4), bytes[4] == 0x2D, digits(5..<7) { return iso8601(text + "-01") }
        if bytes.count == 4, digits(0..<4) { return iso8601(text + "-01-01") }
        // Basic format: `20031231T101455Z`, `20031231`.
        if bytes.count >= 8, digits(0..<8) {
            let date = String(decoding: bytes[0..<4], as: UTF8.self) + "-" + String(decoding: bytes[4..<6], as: UTF8.self) + "-"
                + String(decoding: bytes[6..<8], as: UTF8.self)
            if bytes.count == 8 { return iso8601(date) }
            if bytes.count >= 15, bytes[8] == 0x54, digits(9..<15) {
                let time = String(decoding: bytes[9..<11], as: UTF8.self) + ":" + String(decoding: bytes[11..<13], as: UTF8.self) + ":"
                    + String(decoding: bytes[13..<15], as: UTF8.self)
                return iso8601(date + "T" + time + String(decoding: bytes[15...], as: UTF8.self))
            }
        }
        // `31 Dec 2003` or `Wed, 31 Dec 2003`: a day without a time.
        var parts = text.split { $0 == " " || $0 == "," }
        if let first = parts.first, first.first?.isLetter == true { parts.removeFirst() }
        if parts.count == 3, let day = Int(parts[0]), let month = monthIndex(parts[1]), var year = Int(parts[2]) {
            if year < 100 { year += year < 50 ? 2000 : 1900 }
            return epoch(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        }
        return nil
    }

    /// `Jan`…`Dec` (any case, longer names allowed) → 1…12, on bytes: this runs per record.
    public static func monthIndex(_ name: Substring) -> Int? {
        let bytes = Array(name.utf8.prefix(3)).map { $0 | 0x20 }
        guard bytes.count == 3 else { return nil }
        for (index, month) in monthBytes.enumerated() where month == bytes { return index + 1 }
        return nil
    }

    static let monthBytes = months.map { Array($0.utf8) }

    /// `HH:MM[:SS]` on bytes.
    public static func clock(_ text: Substring) -> (Int, Int, Int)? {
        var fields = [0, 0, 0]
        var field = 0
        var digits = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ":") {
                guard digits > 0, field < 2 else { return nil }
                field += 1
                digits = 0
            } else if byte >= 0x30, byte <= 0x39 {
                guard digits < 2 else { if field == 2 { break } else { return nil } }
                fields[field] = fields[field] * 10 + Int(byte - 0x30)
                digits += 1
            } else {
                break
            }
        }
        guard field >= 1, digits > 0 else { return nil }
        return (fields[0], fields[1], fields[2])
    }

    /// `+0000`, `-07:00`, `GMT`, `UT`, `Z`, US zone names; seconds east of UTC.
    static func zoneOffset(_ text: Substring) -> TimeInterval? {
        if let sign = text.first, sign == "+" || sign == "-" {
            let digits = text.dropFirst().filter(\.isNumber)
            guard digits.count == 4, let value = Int(digits) else { return nil }
            let seconds = TimeInterval((value / 100) * 3600 + (value % 100) * 60)
            return sign == "-" ? -seconds : seconds
        }
        switch text.uppercased() {
        case "GMT", "UT", "UTC", "Z": return 0
        case "EST": return -5 * 3600
        case "EDT": return -4 * 3600
        case "CST": return -6 * 3600
        case "CDT": return -5 * 3600
        case "MST": return -7 * 3600
        case "MDT": return -6 * 3600
        case "PST": return -8 * 3600
        case "PDT": return -7 * 3600
        default: return nil
        }
    }
}
