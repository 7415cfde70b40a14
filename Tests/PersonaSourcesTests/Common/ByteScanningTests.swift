import Foundation
import Testing
import TestSupport
import PersonaUtilities
@testable import PersonaSources

/// The word-at-a-time parts of the X archive's path (`JSONNesting.skipPlainString`,
/// `JSONCursor.Key`, `WordHash`) must agree with the byte-at-a-time logic they replaced, whatever
/// the bytes and wherever a chunk ends.
@Suite struct ByteScanningTests {
    /// The scanner as it was before words: one byte at a time.
    struct ReferenceNesting {
        var depth = 0, inString = false, escaped = false
        mutating func scan(_ bytes: [UInt8], from start: Int) -> Int? {
            for index in start..<bytes.count {
                let byte = bytes[index]
                if inString {
                    if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                } else if byte == 0x22 {
                    inString = true
                } else if byte == 0x7B || byte == 0x5B {
                    depth += 1
                } else if byte == 0x7D || byte == 0x5D {
                    depth -= 1
                    if depth == 0 { return index }
                }
            }
            return nil
        }
    }

    /// Random bytes drawn mostly from the ones that matter (quotes, backslashes, brackets), with
    /// runs of plain text and multi-byte UTF-8 between them, so that every word boundary is met.
    static func noise(_ random: inout SplitMix, length: Int) -> [UInt8] {
        let special: [UInt8] = Array(#""\{}[]"#.utf8)
        var bytes: [UInt8] = [0x7B]
        while bytes.count < length {
            switch random.next() % 10 {
            case 0...2: bytes.append(special[Int(random.next() % UInt64(special.count))])
            case 3: bytes.append(contentsOf: "\u{e9}\u{1F680}".utf8)
            default: bytes.append(contentsOf: repeatElement(UInt8(0x61 + random.next() % 26), count: Int(random.next() % 19)))
            }
        }
        return bytes
    }

    @Test func wordScanningFindsTheSameEndsAsByteScanning() {
        var random = SplitMix(state: 13)
        var checked = 0, ended = 0
        for _ in 0..<3_000 {
            let bytes = Self.noise(&random, length: 8 + Int(random.next() % 300))
            // The whole text at once, and cut at a random point (the state carries over).
            var reference = ReferenceNesting(depth: 1)
            let expected = reference.scan(bytes, from: 1)
            var whole = JSONNesting(depth: 1)
            let found = bytes.withUnsafeBufferPointer { whole.scan($0, from: 1) }
            #expect(found == expected, "bytes: \(bytes)")
            let cut = 1 + Int(random.next() % UInt64(bytes.count - 1))
            var split = JSONNesting(depth: 1)
            let first = bytes.withUnsafeBufferPointer { split.scan(UnsafeBufferPointer(rebasing: $0[0..<cut]), from: 1) }
            let second = first == nil
                ? Array(bytes[cut...]).withUnsafeBufferPointer { split.scan($0, from: 0) }.map { $0 + cut }
                : first
            #expect(second == expected, "cut at \(cut): \(bytes)")
            checked += 1
            if expected != nil { ended += 1 }
        }
        #expect(checked == 3_000)
        #expect(ended > 300 && ended < 2_700, "both endings drawn: \(ended) of \(checked) closed")
    }

    @Test func cursorStringsAndKeysMatchWithAndWithoutEscapes() throws {
        let text = #"{"id_str":"1","full\u005ftext":"a \"quoted\" \\ caf\u00e9","plain":"x\u0079z","tweet":{}}"#
        var seen: [String] = []
        try Array(text.utf8).withUnsafeBufferPointer { bytes in
            var cursor = JSONCursor(bytes)
            try cursor.object { (cursor: inout JSONCursor, key: JSONCursor.Key) throws(JSONCursor.Failure) in
                switch key {
                case "id_str": seen.append("id=\(try cursor.scalarText() ?? "")")
                case "full_text": seen.append("text=\(try cursor.scalarText() ?? "")")
                case "plain": seen.append("plain=\(try cursor.scalarText() ?? "")")
                case "id", "text", "tweet_": try cursor.skip(); seen.append("wrong")
                default: try cursor.skip(); seen.append("other")
                }
            }
        }
        #expect(seen == ["id=1", "text=a \"quoted\" \\ caf\u{e9}", "plain=xyz", "other"])
    }

    @Test func wordHashIsTheSameWhateverTheChunksAndDiffersForAnyChange() {
        var random = SplitMix(state: 7)
        var checked = 0
        var values = Set<UInt64>()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            var whole = WordHash()
            bytes.withUnsafeBytes { whole.combine($0) }
            // Chunks of random sizes, some empty.
            var chunked = WordHash()
            var offset = 0
            while offset < length {
                let size = min(length - offset, Int(random.next() % 12))
                Array(bytes[offset..<(offset + size)]).withUnsafeBytes { chunked.combine($0) }
                offset += size
            }
            #expect(chunked.value == whole.value, "length \(length)")
            values.insert(whole.value)
            if length > 0 {
                var changed = bytes
                changed[Int(random.next() % UInt64(length))] ^= 1 << UInt8(random.next() % 8)
                var other = WordHash()
                changed.withUnsafeBytes { other.combine($0) }
                #expect(other.value != whole.value, "a flipped bit at length \(length)")
            }
            checked += 1
        }
        #expect(checked == 200)
        #expect(values.count == 200, "every length gives its own value (trailing zero bytes count)")
        var zeros = WordHash()
        [UInt8](repeating: 0, count: 3).withUnsafeBytes { zeros.combine($0) }
        #expect(zeros.value != WordHash().value)
    }

    @Test func aDirectoryDigestSeesAnEditThatKeepsTheSize() throws {
        let directory = try TemporaryDirectory("digest")
        defer { directory.remove() }
        let data = directory.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        var text = Array(String(repeating: "window.YTD.tweets.part0 = [ ]\n", count: 100_000).utf8)
        try Data(text).write(to: URL(fileURLWithPath: data + "/tweets.js"))
        let first = try ExportArchive(path: directory.path).contentDigest()
        #expect(first.hasPrefix("w"))
        #expect(try ExportArchive(path: directory.path).contentDigest() == first)
        text[text.count - 2_000_000 / 3] ^= 0x20
        try Data(text).write(to: URL(fileURLWithPath: data + "/tweets.js"))
        #expect(try ExportArchive(path: directory.path).contentDigest() != first)
    }
}
