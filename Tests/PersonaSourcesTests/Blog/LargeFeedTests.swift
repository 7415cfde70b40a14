import Foundation
import PersonaModel
import Testing
@testable import PersonaSources
import PersonaUtilities

@Suite struct LargeFeedTests {
    /// libxml2 flags every document over 10 MB with an internal error once it has parsed it all;
    /// a complete feed of that size must still be read, and a truncated one must not.
    @Test func feedsOverTenMegabytesAreRead() throws {
        let item = "<item><title>t</title><link>https://e.example/%d</link><pubDate>Mon, 01 Jun 2026 10:00:00 +0000</pubDate><description>"
            + String(repeating: "word ", count: 40) + "</description></item>\n"
        var text = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>big</title>\n"
        for index in 0..<50_000 { text += item.replacingOccurrences(of: "%d", with: String(index)) }
        text += "</channel></rss>\n"
        #expect(text.utf8.count > 10_500_000)
        let posts = try FeedReader().read(Data(text.utf8), location: "big.xml", handle: "h").posts
        #expect(posts.count == 50_000)
        let cut = Data(text.utf8.prefix(text.utf8.count - 40))
        #expect(throws: SourceError.self) { try FeedReader().read(cut, location: "big.xml", handle: "h") }
    }
}
