import Foundation

/// A feed's bytes as UTF-8, whatever encoding they came in, with the mistakes real feeds make
/// at the byte level repaired, ready for the SAX parser (which then ignores the declaration).
///
/// - The encoding comes from a byte-order mark, the first bytes' pattern (UTF-16/32 without a
///   mark), or the XML declaration; anything but UTF-8 is transcoded with glibc's iconv, so any
///   encoding a feed can declare (big5, euc-kr, gb2312, Shift_JIS, koi8-r, iso-8859-7…) is read.
/// - ISO-8859-1 (and US-ASCII) as declared is read as windows-1252, its superset: feeds so
///   declared put curly quotes and dashes (`\x92`, `\x96`) in 0x80–0x9F, which are C1 controls in
///   Latin-1 and never what was meant (browsers read them the same way).
/// - A byte that is not valid UTF-8 in a UTF-8 feed (a Latin-1 snippet pasted in) is read as the
///   windows-1252 character it is; a sequence not valid in another declared encoding becomes
///   U+FFFD. Both are counted.
/// - A bare `&` (one that starts no entity or character reference) becomes `&amp;`, a control
///   character XML forbids becomes a space, white space before `<?xml` is dropped: each is an
///   error that would otherwise stop the parse of a feed every mature reader accepts.
///
/// - Important: CDATA sections and comments are left as they are, but for control characters.
struct FeedInput {
    var bytes: [UInt8]
    /// The encoding the bytes were read in (`UTF-8` when they were already).
    var encoding: String
    var repairs = Repairs()

    /// What was repaired, counted for the source's status.
    struct Repairs: Equatable {
        /// Latin-1 as declared, read as windows-1252 because it used 0x80–0x9F.
        var windows1252 = false
        var invalidBytes = 0
        var bareAmpersands = 0
        var controlCharacters = 0
    }

    static func prepare(_ data: Data, location: String) throws(SourceError) -> FeedInput {
        let head = [UInt8](data.prefix(4)) + [0, 0, 0, 0]
        let marked: (String, Int)? = switch (head[0], head[1], head[2], head[3]) {
        case (0xEF, 0xBB, 0xBF, _): ("UTF-8", 3)
        case (0x00, 0x00, 0xFE, 0xFF): ("UTF-32BE", 4)
        case (0xFF, 0xFE, 0x00, 0x00): ("UTF-32LE", 4)
        case (0xFE, 0xFF, _, _): ("UTF-16BE", 2)
        case (0xFF, 0xFE, _, _): ("UTF-16LE", 2)
        case (0x3C, 0x00, 0x00, 0x00): ("UTF-32LE", 0)
        case (0x00, 0x00, 0x00, 0x3C): ("UTF-32BE", 0)
        case (0x3C, 0x00, 0x3F, 0x00): ("UTF-16LE", 0)
        case (0x00, 0x3C, 0x00, 0x3F): ("UTF-16BE", 0)
        default: nil
        }
        var input: FeedInput
        if let (name, skip) = marked, name != "UTF-8" {
            input = try transcoded(data.dropFirst(skip), from: name, location: location)
        } else {
            let body = data.dropFirst(marked?.1 ?? 0)
            let declared = declaredEncoding(body).map(normalized)
            // A declaration of UTF-16 or UTF-32 here is wrong: such a document's first bytes would
            // have matched a pattern above. Its bytes are ASCII-compatible; read them as UTF-8.
            let mislabelled = declared.map { $0.hasPrefix("UTF-16") || $0.hasPrefix("UTF-32") || $0 == "UCS-2" || $0 == "UCS-4" } ?? false
            switch mislabelled ? "UTF-8" : declared {
            case nil, "UTF-8":
                input = FeedInput(bytes: [], encoding: "UTF-8")
                input.bytes = Windows1252.repairingUTF8(body, invalid: &input.repairs.invalidBytes)
            case "WINDOWS-1252", "ISO-8859-1":
                input = FeedInput(bytes: Windows1252.decode(body), encoding: "windows-1252")
                input.repairs.windows1252 = declared == "ISO-8859-1" && body.contains { $0 >= 0x80 && $0 <= 0x9F }
                if declared == "ISO-8859-1", !input.repairs.windows1252 { input.encoding = "ISO-8859-1" }
            case let name?:
                input = try transcoded(body, from: name, location: location)
            }
        }
        let iso2022 = input.encoding.hasPrefix("ISO-2022")
        repairMarkup(&input, keepEscapes: iso2022)
        return input
    }

    /// The `encoding` of the XML declaration, as written, if there is one.
    static func declaredEncoding(_ data: Data.SubSequence) -> String? {
        let head = String(decoding: data.prefix(256), as: UTF8.self)
        let start = head.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        guard start.hasPrefix("<?xml"), let end = start.range(of: "?>"),
              let key = start.range(of: "encoding", range: start.startIndex..<end.lowerBound) else { return nil }
        let rest = start[key.upperBound..<end.lowerBound].drop { $0 == " " || $0 == "=" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        let name = rest.dropFirst().prefix { $0 != quote }
        return name.isEmpty ? nil : String(name)
    }

    /// An encoding name as iconv knows it, with the supersets real documents need: a page
    /// declared gb2312 uses GBK's characters, Shift_JIS means Windows-31J, EUC-KR means CP949.
    static func normalized(_ name: String) -> String {
        let upper = name.uppercased().replacingOccurrences(of: "_", with: "-")
        switch upper {
        case "UTF8", "UNICODE-1-1-UTF-8", "US-ASCII", "ASCII", "ANSI-X3.4-1968": return "UTF-8"
        case "ISO-8859-1", "ISO8859-1", "LATIN1", "LATIN-1", "L1", "ISO-IR-100", "CP819", "IBM819": return "ISO-8859-1"
        case "WINDOWS-1252", "CP1252", "X-CP1252", "CP-1252": return "WINDOWS-1252"
        case "GB2312", "GBK", "X-GBK", "CP936", "EUC-CN": return "GB18030"
        case "SHIFT-JIS", "SJIS", "X-SJIS", "MS-KANJI", "WINDOWS-31J", "CSSHIFTJIS": return "CP932"
        case "EUC-KR", "KS-C-5601-1987", "KSC5601", "WINDOWS-949", "CSEUCKR": return "CP949"
        case "BIG5", "BIG-5", "CN-BIG5", "X-X-BIG5", "CSBIG5": return "BIG5-HKSCS"
        case "ISO-8859-8-I": return "ISO-8859-8"
        default: return upper
        }
    }

    /// `data` in encoding `name`, as UTF-8, through iconv. A sequence not valid in it becomes
    /// U+FFFD (counted); an encoding iconv does not know is an error naming it.
    static func transcoded(_ data: Data.SubSequence, from name: String, location: String) throws(SourceError) -> FeedInput {
        let converter = iconv_open("UTF-8", name)
        guard converter != iconv_t(bitPattern: -1) else {
            throw SourceError(location: location, detail: "the feed declares the encoding '\(name)', which this system cannot decode (iconv)")
        }
        defer { iconv_close(converter) }
        var source = [UInt8](data)
        var output = [UInt8](repeating: 0, count: source.count * 2 + 64)
        var produced = 0
        var invalid = 0
        source.withUnsafeMutableBytes { inBuffer in
            var inPointer = inBuffer.baseAddress?.assumingMemoryBound(to: CChar.self)
            var inLeft = inBuffer.count
            while inLeft > 0 {
                let outCount = output.count
                let (result, code, wrote) = output.withUnsafeMutableBytes { outBuffer -> (Int, Int32, Int) in
                    var outPointer = outBuffer.baseAddress.map { $0.assumingMemoryBound(to: CChar.self) + produced }
                    var outLeft = outCount - produced
                    let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                    return (result, errno, outCount - produced - outLeft)
                }
                produced += wrote
                guard result == -1 else { continue }
                if code == E2BIG {
                    output.append(contentsOf: repeatElement(0, count: output.count))
                    continue
                }
                // EILSEQ (a sequence not valid in the encoding) or EINVAL (cut short at the end).
                invalid += 1
                if output.count - produced < 3 { output.append(contentsOf: repeatElement(0, count: 64)) }
                output.replaceSubrange(produced..<produced + 3, with: [0xEF, 0xBF, 0xBD])
                produced += 3
                inPointer = inPointer.map { $0 + 1 }
                inLeft -= 1
            }
        }
        output.removeSubrange(produced...)
        var input = FeedInput(bytes: output, encoding: name)
        input.repairs.invalidBytes = invalid
        return input
    }

    /// Bare `&` → `&amp;`, forbidden control characters → space, white space before `<?xml`
    /// dropped. Copies only if something needs repair.
    static func repairMarkup(_ input: inout FeedInput, keepEscapes: Bool) {
        var repairs = input.repairs
        let repaired: [UInt8]? = input.bytes.withUnsafeBufferPointer { bytes in
            var output: [UInt8] = []
            var copied = 0
            var index = 0
            let count = bytes.count
            func flush(upTo end: Int) {
                if output.isEmpty { output.reserveCapacity(count + 64) }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<end]))
                copied = end
            }
            func isForbidden(_ byte: UInt8) -> Bool {
                byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D && !(keepEscapes && byte == 0x1B)
            }
            func starts(_ literal: StaticString, at position: Int) -> Bool {
                let length = literal.utf8CodeUnitCount
                guard position + length <= count else { return false }
                let pattern = UnsafeBufferPointer(start: literal.utf8Start, count: length)
                for offset in 0..<length where bytes[position + offset] != pattern[offset] { return false }
                return true
            }
            // White space before the declaration: libxml2 refuses the declaration there.
            var leading = 0
            while leading < count, TextDecoding.isSpace(bytes[leading]) { leading += 1 }
            if leading > 0, starts("<?xml", at: leading) {
                copied = leading
                output.reserveCapacity(count)
            }
            index = leading
            while index < count {
                let byte = bytes[index]
                // Most bytes are none of `<`, `&` or a control character.
                if byte > 0x3C || (byte >= 0x20 && byte != 0x26 && byte != 0x3C) {
                    index += 1
                    continue
                }
                if byte == 0x3C, index + 3 < count, bytes[index + 1] == 0x21 {
                    // A CDATA section or comment: skip to its end, repairing only control characters.
                    let terminator: StaticString? = starts("<![CDATA[", at: index) ? "]]>" : starts("<!--", at: index) ? "-->" : nil
                    if let terminator {
                        index += 4
                        while index < count, !starts(terminator, at: index) {
                            if isForbidden(bytes[index]) {
                                flush(upTo: index)
                                output.append(0x20)
                                copied = index + 1
                                repairs.controlCharacters += 1
                            }
                            index += 1
                        }
                        continue
                    }
                } else if byte == 0x26, !isReference(bytes, at: index) {
                    flush(upTo: index + 1)
                    output.append(contentsOf: [0x61, 0x6D, 0x70, 0x3B]) // "amp;"
                    repairs.bareAmpersands += 1
                } else if isForbidden(byte) {
                    flush(upTo: index)
                    output.append(0x20)
                    copied = index + 1
                    repairs.controlCharacters += 1
                }
                index += 1
            }
            guard copied > 0 else { return nil }
            flush(upTo: count)
            return output
        }
        if let repaired { input.bytes = repaired }
        input.repairs = repairs
    }

    /// Whether the `&` at `index` starts `&name;`, `&#digits;` or `&#xhex;`.
    static func isReference(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        var position = index + 1
        let limit = min(bytes.count, index + 40)
        guard position < limit else { return false }
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66) }
        func isNameStart(_ byte: UInt8) -> Bool { (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x5F || byte == 0x3A || byte >= 0x80 }
        if bytes[position] == 0x23 {
            position += 1
            let hex = position < limit && (bytes[position] == 0x78 || bytes[position] == 0x58)
            if hex { position += 1 }
            let first = position
            while position < limit, hex ? isHex(bytes[position]) : isDigit(bytes[position]) { position += 1 }
            return position > first && position < limit && bytes[position] == 0x3B
        }
        guard isNameStart(bytes[position]) else { return false }
        position += 1
        while position < limit, isNameStart(bytes[position]) || isDigit(bytes[position]) || bytes[position] == 0x2D || bytes[position] == 0x2E {
            position += 1
        }
        return position < limit && bytes[position] == 0x3B
    }
}
