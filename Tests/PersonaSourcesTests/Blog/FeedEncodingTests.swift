import Foundation
import PersonaModel
import Testing
@testable import PersonaSources

/// Every encoding a feed can declare is decoded (iconv), by declaration, byte-order mark or the
/// first bytes' pattern; windows-1252 punctuation in a Latin-1 feed is what it was meant to be.
@Suite struct FeedEncodingTests {
    /// An RSS 2.0 feed whose one item's title is `title`, already encoded, declared `encoding`.
    func feed(declaring encoding: String?, title: [UInt8]) -> Data {
        let declaration = encoding.map { "<?xml version=\"1.0\" encoding=\"\($0)\"?>\n" } ?? ""
        var data = Data((declaration + "<rss version=\"2.0\"><channel><title>t</title><item><title>").utf8)
        data.append(contentsOf: title)
        data.append(Data("</title><link>https://e.example/1</link><pubDate>Mon, 02 Mar 2026 06:00:00 GMT</pubDate></item></channel></rss>".utf8))
        return data
    }

    func title(_ data: Data) throws -> String? {
        try FeedReader().read(data, location: "https://e.example/feed", handle: "h").posts.first?.text
    }

    /// The bytes are each text encoded as the feed declares (checked against Python's codecs).
    static let declared: [(String, [UInt8], String)] = [
        ("koi8-r", [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4], "Привет"),
        ("windows-1251", [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2], "Привет"),
        ("iso-8859-7", [0xC3, 0xE5, 0xE9, 0xE1, 0x20, 0xF3, 0xEF, 0xF5], "Γεια σου"),
        ("Shift_JIS", [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA], "日本語"),
        ("EUC-JP", [0xC6, 0xFC, 0xCB, 0xDC, 0xB8, 0xEC], "日本語"),
        ("euc-kr", [0xC7, 0xD1, 0xB1, 0xB9, 0xBE, 0xEE], "한국어"),
        ("gb2312", [0xD6, 0xD0, 0xCE, 0xC4], "中文"),
        ("big5", [0xA4, 0xA4, 0xA4, 0xE5], "中文"),
    ]

    @Test(arguments: declared)
    func declaredEncodingsAreDecoded(encoding: String, bytes: [UInt8], text: String) throws {
        #expect(try title(feed(declaring: encoding, title: bytes)) == text)
    }

    @Test func utf32AndUTF16ByMarkOrPattern() throws {
        let text = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>Grüße 🙂</title><link>https://e.example/1</link>"
            + "<pubDate>Mon, 02 Mar 2026 06:00:00 GMT</pubDate></item></channel></rss>"
        func utf32(_ bigEndian: Bool) -> Data {
            var data = Data()
            for scalar in text.unicodeScalars {
                let value = bigEndian ? scalar.value.bigEndian : scalar.value.littleEndian
                withUnsafeBytes(of: value) { data.append(contentsOf: $0) }
            }
            return data
        }
        #expect(try title(Data([0xFF, 0xFE, 0x00, 0x00]) + utf32(false)) == "Grüße 🙂")
        #expect(try title(utf32(true)) == "Grüße 🙂") // no mark: `00 00 00 3C`
        let utf16 = text.data(using: .utf16LittleEndian) ?? Data()
        #expect(try title(utf16) == "Grüße 🙂") // no mark: `3C 00 3F 00`
        #expect(try title(Data([0xFE, 0xFF]) + (text.data(using: .utf16BigEndian) ?? Data())) == "Grüße 🙂")
    }

    @Test func aUTF8FeedDeclaredUTF16IsReadAsUTF8() throws {
        // Editors and generators write `encoding="UTF-16"` over UTF-8 bytes.
        #expect(try title(feed(declaring: "UTF-16", title: Array("Grüße".utf8))) == "Grüße")
    }

    @Test func windows1252PunctuationInALatin1FeedIsRepaired() throws {
        // `It’s “quoted” – and…` as a Windows editor writes it, declared ISO-8859-1.
        let bytes: [UInt8] = [0x49, 0x74, 0x92, 0x73, 0x20, 0x93, 0x71, 0x75, 0x6F, 0x74, 0x65, 0x64, 0x94, 0x20, 0x96, 0x20, 0x61, 0x6E, 0x64, 0x85]
        let observation = try FeedReader().read(feed(declaring: "ISO-8859-1", title: bytes), location: "l", handle: "h")
        #expect(observation.posts.first?.text == "It\u{2019}s \u{201C}quoted\u{201D} \u{2013} and\u{2026}")
        #expect(observation.notes == ["declared ISO-8859-1 but uses 0x80–0x9F: read as windows-1252"])
    }

    @Test func aStrayLatin1ByteInAUTF8FeedIsReadAsWindows1252() throws {
        // UTF-8 `Grüße ` followed by a pasted Latin-1 `é` and a windows-1252 `’`.
        let bytes = Array("Grüße ".utf8) + [0xE9, 0x92]
        let observation = try FeedReader().read(feed(declaring: nil, title: bytes), location: "l", handle: "h")
        #expect(observation.posts.first?.text == "Grüße é\u{2019}")
        #expect(observation.notes == ["2 bytes not valid UTF-8: read as windows-1252"])
    }

    @Test func anInvalidSequenceInADeclaredEncodingIsReplacedAndCounted() throws {
        // 0x80 starts no character in Shift_JIS (CP932 leaves it undefined).
        let observation = try FeedReader().read(feed(declaring: "Shift_JIS", title: [0x93, 0xFA, 0x80, 0x96, 0x7B]), location: "l", handle: "h")
        #expect(observation.posts.first?.text == "日\u{FFFD}本")
        #expect(observation.notes == ["1 byte not valid CP932: replaced by U+FFFD"])
    }

    @Test func anEncodingNobodyKnowsIsAClearError() throws {
        let error = #expect(throws: SourceError.self) {
            try FeedReader().read(feed(declaring: "x-klingon-8", title: Array("x".utf8)), location: "https://e.example/feed", handle: "h")
        }
        #expect(error?.description == "https://e.example/feed: the feed declares the encoding 'X-KLINGON-8', which this system cannot decode (iconv)")
    }
}
