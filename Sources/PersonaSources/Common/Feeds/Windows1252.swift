import Foundation

/// windows-1252 to UTF-8, by table: the encoding Latin-1 feeds really use, and what a stray
/// byte in a UTF-8 feed most likely was.
enum Windows1252 {
    /// 0x80–0x9F; the five bytes windows-1252 leaves undefined read as U+FFFD.
    static let high: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

    static func scalar(_ byte: UInt8) -> UInt32 {
        byte >= 0x80 && byte <= 0x9F ? high[Int(byte - 0x80)] : UInt32(byte)
    }

    static func append(_ byte: UInt8, to output: inout [UInt8]) {
        guard byte >= 0x80 else { output.append(byte); return }
        let value = scalar(byte)
        if value < 0x800 {
            output.append(UInt8(0xC0 | (value >> 6)))
            output.append(UInt8(0x80 | (value & 0x3F)))
        } else {
            output.append(UInt8(0xE0 | (value >> 12)))
            output.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (value & 0x3F)))
        }
    }

    /// Every byte read as windows-1252.
    static func decode(_ data: Data.SubSequence) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(data.count + data.count / 8)
        for byte in data { append(byte, to: &output) }
        return output
    }

    /// `data` as it is where it is valid UTF-8; each byte of an invalid sequence read as
    /// windows-1252 and counted in `invalid`.
    static func repairingUTF8(_ data: Data.SubSequence, invalid: inout Int) -> [UInt8] {
        var output: [UInt8] = []
        var count = 0
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var index = 0
            var copied = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x80 { index += 1; continue }
                let length = validSequenceLength(bytes, at: index)
                if length > 0 { index += length; continue }
                if output.isEmpty { output.reserveCapacity(bytes.count + 64) }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<index]))
                append(byte, to: &output)
                count += 1
                index += 1
                copied = index
            }
            if count > 0 { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...])) }
        }
        invalid += count
        return count > 0 ? output : [UInt8](data)
    }

    /// The length of the valid UTF-8 sequence starting at `index` (a lead byte ≥ 0x80), or 0.
    static func validSequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F // no surrogates
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        let second = bytes[index + 1]
        guard second >= low, second <= high else { return 0 }
        for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 { return 0 }
        return length
    }
}
