import Foundation
import PersonaModel
import Testing
@testable import PersonaSources
import PersonaUtilities

@Suite struct FeedReaderTests {
    func read(_ text: String) throws -> [Post] {
        try FeedReader().read(Data(text.utf8), location: "https://blog.example.org/feed", handle: "ana").posts
    }

    @Test func rss2WithSlashCommentsCategoriesAndEntities() throws {
        let posts = try read("""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <channel><title>t</title>
                <item>
                  <title>Fish &amp; chips</title><link>https://blog.example.org/1</link>
                  <guid isPermaLink="false">post-1</guid>
                  <pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate>
                  <category>Cooking</category><slash:comments>7</slash:comments>
                </item>
                <item>
                  <title>No count</title><link>https://blog.example.org/2</link>
                  <pubDate>Wed, 4 Mar 26 10:00 -0500</pubDate>
                </item>
                <item><title>dc date</title><link>https://blog.example.org/3</link><dc:date>2026-03-05T10:00:00Z</dc:date></item>
                <item><title>undated</title><link>https://blog.example.org/4</link></item>
              </channel>
            </rss>
            """)
        #expect(posts.count == 3)
        #expect(posts[0].id == "post-1")
        #expect(posts[0].text == "Fish & chips")
        #expect(posts[0].tags == ["cooking"])
        #expect(posts[0].counts.replies == 7)
        #expect(posts[0].createdAt == DateParsing.iso8601("2026-03-03T10:00:00Z"))
        #expect(posts[1].id == "https://blog.example.org/2")
        #expect(posts[1].counts.replies == nil)
        #expect(posts[1].createdAt == DateParsing.iso8601("2026-03-04T15:00:00Z"))
        #expect(posts[2].createdAt == DateParsing.iso8601("2026-03-05T10:00:00Z"))
    }

    @Test func atomWithThreadTotalAndRepliesLink() throws {
        let posts = try read("""
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
              <title>t</title>
              <entry>
                <id>tag:example.org,2026:1</id><title type="html">One</title>
                <link rel="alternate" href="https://example.org/1"/>
                <link rel="replies" type="text/html" href="https://example.org/1#comments" thr:count="4"/>
                <published>2026-02-01T08:00:00+01:00</published><updated>2026-02-02T08:00:00Z</updated>
                <category term="Swift"/>
              </entry>
              <entry>
                <id>tag:example.org,2026:2</id><title>Two</title><link href="https://example.org/2"/>
                <updated>2026-02-03T08:00:00.250Z</updated><thr:total>11</thr:total>
              </entry>
            </feed>
            """)
        #expect(posts.count == 2)
        #expect(posts[0].counts.replies == 4)
        #expect(posts[0].url == "https://example.org/1")
        #expect(posts[0].tags == ["swift"])
        #expect(posts[0].createdAt == DateParsing.iso8601("2026-02-01T07:00:00Z"))
        #expect(posts[1].counts.replies == 11)
        #expect(posts[1].createdAt.timeIntervalSince1970 == DateParsing.iso8601("2026-02-03T08:00:00Z")!.timeIntervalSince1970 + 0.25)
    }

    @Test func rss1RDF() throws {
        let posts = try read("""
            <?xml version="1.0" encoding="UTF-8"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
                     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
              <channel rdf:about="https://example.org/"><title>t</title><link>https://example.org/</link></channel>
              <item rdf:about="https://example.org/1">
                <title>First</title><link>https://example.org/1</link><description>d</description>
                <dc:date>2026-02-01T08:00:00+09:00</dc:date><dc:subject>Swift</dc:subject><slash:comments>5</slash:comments>
              </item>
            </rdf:RDF>
            """)
        #expect(posts.count == 1)
        #expect(posts[0].id == "https://example.org/1")
        #expect(posts[0].text == "First")
        #expect(posts[0].url == "https://example.org/1")
        #expect(posts[0].counts.replies == 5)
        #expect(posts[0].tags == ["swift"])
        #expect(posts[0].createdAt == DateParsing.iso8601("2026-01-31T23:00:00Z"))
    }

    @Test func jsonFeed() throws {
        let posts = try read("""
            {"version":"https://jsonfeed.org/version/1.1","title":"n","items":[
              {"id":"1","url":"https://n.example.org/1","content_html":"<p>Hi <b>there</b></p>","date_published":"2026-01-01T00:00:00Z","tags":["Life"]},
              {"id":2,"content_text":"numeric id","date_published":"2026-01-02T00:00:00-02:00"}
            ]}
            """)
        #expect(posts.count == 2)
        #expect(posts[0].text == "Hi there")
        #expect(posts[0].tags == ["life"])
        #expect(posts[1].id == "2")
        #expect(posts[1].createdAt == DateParsing.iso8601("2026-01-02T02:00:00Z"))
    }

    @Test func malformedXMLNamesTheLineAndColumnInWords() throws {
        let error = #expect(throws: SourceError.self) {
            try read("<?xml version=\"1.0\"?>\n<rss version=\"2.0\">\n<channel>\n<title>fish</titel>\n</channel></rss>")
        }
        #expect(error?.location == "https://blog.example.org/feed")
        #expect(error?.line == 4)
        #expect(error?.column == 20)
        #expect(error?.description.contains("line 4, column 20: malformed XML feed (Opening and ending tag mismatch: title line 4 and titel)") == true)
    }

    @Test func truncatedAndBrokenDocumentsSayWhatIsWrong() throws {
        let cut = #expect(throws: SourceError.self) { try read("<rss version=\"2.0\"><channel><item><title>x</title>") }
        #expect(cut?.description.contains("ends before its elements are closed") == true)
        let mismatch = #expect(throws: SourceError.self) { try read("<rss version=\"2.0\"><channel></item></channel></rss>") }
        #expect(mismatch?.description.contains("tag mismatch: channel line 1 and item") == true)
        #expect(mismatch?.column == 36)
        let empty = #expect(throws: SourceError.self) { try read("  \n ") }
        #expect(empty?.description.contains("the document is empty") == true)
        let text = #expect(throws: SourceError.self) { try read("hello, not XML") }
        #expect(text?.description.contains("not an XML document") == true)
    }

    @Test func declaredLegacyEncodingsAreTranscoded() throws {
        var latin1 = Data(#"<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><item><title>Caf"#.utf8)
        latin1.append(0xE9)
        latin1.append(Data("</title><link>https://e.example/1</link><pubDate>Mon, 01 Jun 2026 10:00:00 +0000</pubDate></item></channel></rss>".utf8))
        let observation = try FeedReader().read(latin1, location: "l", handle: "h")
        #expect(observation.posts.first?.text == "Caf\u{e9}")
        #expect(observation.notes.isEmpty)
    }

    @Test func htmlIsNotAFeed() throws {
        let error = #expect(throws: SourceError.self) { try read("<html><body>hello</body></html>") }
        #expect(error?.description.contains("not an RSS, Atom or JSON feed") == true)
    }

    @Test func brokenJSONFeed() throws {
        #expect(throws: SourceError.self) { try read(#"{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1",}"#) }
        #expect(throws: SourceError.self) { try read(#"{"title":"no version"}"#) }
    }
}
