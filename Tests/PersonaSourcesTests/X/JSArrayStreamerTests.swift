import Foundation
import Testing
@testable import PersonaSources

@Suite struct JSArrayStreamerTests {
    static let text = #"window.YTD.tweets.part0 =[{"tweet":{"id_str":"1","full_text":"brackets ] } [ { and \"quotes\" \\ \ud83d\ude80 caf\u00e9","entities":{"hashtags":[{"text":"Swift"}]},"favorite_count":"3"}},"#
        + "\n  " + #"{"id_str":"2","created_at":"Mon Jan 06 08:00:00 +0000 2020","retweet_count":7,"nested":[[1,[2]],{"a":{"b":"}"}}]}"# + "\n]\n"

    func split(_ chunkSize: Int) throws -> [String] {
        var streamer = JSArrayStreamer()
        var elements: [String] = []
        let bytes = Array(Self.text.utf8)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunkSize)
            try bytes[offset..<end].withUnsafeBufferPointer { chunk in
                try streamer.feed(chunk) { element, number in
                    #expect(number == elements.count + 1)
                    elements.append(String(decoding: element, as: UTF8.self))
                }
            }
            offset = end
        }
        try streamer.finish()
        return elements
    }

    @Test(arguments: [1, 2, 3, 7, 64, 1 << 20])
    func elementsAreFoundWhateverTheChunking(_ size: Int) throws {
        let elements = try split(size)
        #expect(elements.count == 2)
        #expect(elements[0].hasPrefix(#"{"tweet""#) && elements[0].hasSuffix("}}"))
        #expect(elements[1].hasSuffix(#""b":"}"}}]}"#))
    }

    @Test func fieldsAreExtractedAndUnescaped() throws {
        let elements = try split(1 << 20)
        let first = try Array(elements[0].utf8).withUnsafeBufferPointer { try XTweetParser.parse($0) }
        #expect(first.id == "1")
        #expect(first.text == "brackets ] } [ { and \"quotes\" \\ \u{1F680} caf\u{e9}")
        #expect(first.hashtags == ["swift"])
        #expect(first.likes == 3)
        let second = try Array(elements[1].utf8).withUnsafeBufferPointer { try XTweetParser.parse($0) }
        #expect(second.id == "2" && second.reposts == 7 && second.createdAt == "Mon Jan 06 08:00:00 +0000 2020")
    }

    @Test func truncatedAndForeignFilesAreErrors() {
        var streamer = JSArrayStreamer()
        let cut = Array(Self.text.utf8.prefix(150))
        #expect(throws: JSArrayStreamer.Failure.self) {
            try cut.withUnsafeBufferPointer { try streamer.feed($0) { _, _ in } }
            try streamer.finish()
        }
        var other = JSArrayStreamer()
        #expect(throws: JSArrayStreamer.Failure.self) {
            try Array(#"{"not": "a YTD file"}"#.utf8).withUnsafeBufferPointer { try other.feed($0) { _, _ in } }
            try other.finish()
        }
    }
}
