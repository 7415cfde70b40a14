import Foundation
import PersonaModel
import Testing
@testable import PersonaSources
import PersonaUtilities

/// Feeds as the web writes them: the shapes and mistakes of real feeds, each read the way a
/// mature feed parser reads it, with what was repaired or skipped in the observation's notes.
@Suite struct FeedRecoveryTests {
    func observe(_ text: String) throws -> Observation {
        try FeedReader().read(Data(text.utf8), location: "https://blog.example.org/feed", handle: "ana")
    }

    @Test func undeclaredHTMLEntitiesAreResolvedAndUnknownOnesKeptAsText() throws {
        let observation = try observe("""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>Caf&eacute; notes</title>
              <item><title>Caf&eacute;&nbsp;au lait &mdash; part&nbsp;2&hellip; it&rsquo;s &amp; more &copy;</title>
                <link>https://blog.example.org/2026/03/cafe?x=1&amp;y=2</link>
                <pubDate>Sat, 07 Mar 2026 09:15:00 +0100</pubDate></item>
              <item><title>A &madeup; entity</title><link>https://blog.example.org/2026/03/madeup</link>
                <pubDate>Fri, 06 Mar 2026 09:15:00 +0100</pubDate></item>
            </channel></rss>
            """)
        #expect(observation.posts.count == 2)
        #expect(observation.posts[0].text == "Caf\u{E9}\u{A0}au lait \u{2014} part\u{A0}2\u{2026} it\u{2019}s & more \u{A9}")
        #expect(observation.posts[0].url == "https://blog.example.org/2026/03/cafe?x=1&y=2")
        #expect(observation.posts[1].text == "A &madeup; entity")
        #expect(observation.notes == ["1 references to unknown entities kept as text"])
    }

    @Test func bareAmpersandsAreReadAsText() throws {
        let observation = try observe("""
            <?xml version="1.0"?>
            <rss version="2.0"><channel><title>Fish & chips</title>
              <item><title>Salt & vinegar & more</title><link>https://blog.example.org/?p=12&share=1</link>
                <guid isPermaLink="false">p12</guid><pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate>
                <description><![CDATA[<p>Kept & raw: &nbsp; <b>bold</b></p>]]></description></item>
            </channel></rss>
            """)
        #expect(observation.posts.count == 1)
        #expect(observation.posts[0].text == "Salt & vinegar & more")
        #expect(observation.posts[0].url == "https://blog.example.org/?p=12&share=1")
        #expect(observation.posts[0].id == "p12")
        #expect(observation.notes == ["4 bare '&' read as '&amp;'"])
    }

    @Test func atom03AndNamespacelessFeedsReadLikeAtom10() throws {
        let atom03 = try observe("""
            <?xml version="1.0" encoding="utf-8"?>
            <feed version="0.3" xmlns="http://purl.org/atom/ns#" xml:lang="en">
              <title>Old blog</title><modified>2005-07-31T12:29:29Z</modified>
              <entry>
                <title>Second</title><link rel="alternate" type="text/html" href="https://old.example.org/2"/>
                <id>tag:old.example.org,2005:2</id><issued>2005-07-31T12:29:29+02:00</issued><modified>2005-08-01T10:00:00Z</modified>
                <content type="text/html" mode="escaped">&lt;p&gt;Hello&lt;/p&gt;</content>
              </entry>
              <entry>
                <title>First</title><link rel="alternate" type="text/html" href="https://old.example.org/1"/>
                <id>tag:old.example.org,2005:1</id><created>2005-07-30T08:00:00Z</created>
              </entry>
            </feed>
            """)
        #expect(atom03.posts.map(\.id) == ["tag:old.example.org,2005:2", "tag:old.example.org,2005:1"])
        #expect(atom03.posts[0].createdAt == DateParsing.iso8601("2005-07-31T10:29:29Z"))
        #expect(atom03.posts[0].url == "https://old.example.org/2")
        #expect(atom03.posts[1].createdAt == DateParsing.iso8601("2005-07-30T08:00:00Z"))
        let bare = try observe("""
            <feed><title>No namespace</title>
              <entry><id>n-1</id><title>Plain</title><link href="https://n.example.org/1"/><updated>2026-01-02T03:04:05Z</updated></entry>
            </feed>
            """)
        #expect(bare.posts.count == 1)
        #expect(bare.posts[0].url == "https://n.example.org/1")
        #expect(bare.posts[0].createdAt == DateParsing.iso8601("2026-01-02T03:04:05Z"))
    }

    @Test func dublinCoreTermsAndAtomDatesInsideRSSItems() throws {
        let observation = try observe("""
            <?xml version="1.0"?>
            <rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:atom="http://www.w3.org/2005/Atom">
              <channel><title>t</title>
                <item><title>created</title><link>https://e.example/1</link><dcterms:created>2026-02-01T10:00:00Z</dcterms:created></item>
                <item><title>modified</title><link>https://e.example/2</link><dcterms:modified>2026-02-02T10:00:00Z</dcterms:modified></item>
                <item><title>atom updated</title><link>https://e.example/3</link><atom:updated>2026-02-03T10:00:00Z</atom:updated></item>
                <item><title>undeclared dc</title><link>https://e.example/4</link><dc:date>2026-02-04T10:00</dc:date></item>
                <item><title>atom link only</title><atom:link rel="alternate" href="https://e.example/5"/><pubDate>Thu, 05 Feb 2026 10:00 GMT</pubDate></item>
              </channel>
            </rss>
            """)
        #expect(observation.posts.count == 5)
        #expect(observation.posts.map { $0.createdAt.timeIntervalSince1970 } == (1...5).map {
            DateParsing.iso8601("2026-02-0\($0)T10:00:00Z")!.timeIntervalSince1970
        })
        #expect(observation.posts[4].id == "https://e.example/5")
        #expect(observation.notes.isEmpty)
    }

    @Test func anItemWithoutGuidOrLinkGetsAStableContentID() throws {
        func feed(_ title: String) -> String {
            """
            <rss version="2.0"><channel><title>podcast</title>
              <item><title>\(title)</title><enclosure url="https://cdn.example/ep1.mp3" length="1" type="audio/mpeg"/>
                <pubDate>Mon, 02 Mar 2026 06:00:00 GMT</pubDate><description>Show notes</description></item>
            </channel></rss>
            """
        }
        let first = try observe(feed("Episode 1"))
        let again = try observe(feed("Episode 1"))
        let edited = try observe(feed("Episode 1 (fixed)"))
        #expect(first.posts.count == 1)
        #expect(first.posts[0].id.hasPrefix("item-"))
        #expect(first.posts[0].id == again.posts[0].id)
        #expect(first.posts[0].id != edited.posts[0].id)
        #expect(first.posts[0].url == nil)
    }

    @Test func skippedItemsAreCountedInTheNotes() throws {
        let observation = try observe("""
            <rss version="2.0"><channel><title>t</title>
              <item><title>dated</title><link>https://e.example/1</link><pubDate>Mon, 02 Mar 2026 06:00:00 GMT</pubDate></item>
              <item><title>undated</title><link>https://e.example/2</link></item>
              <item><title>undated too</title><link>https://e.example/3</link><pubDate> </pubDate></item>
              <item><title>nonsense</title><link>https://e.example/4</link>
                <pubDate>the day before yesterday</pubDate></item>
            </channel></rss>
            """)
        #expect(observation.posts.map(\.id) == ["https://e.example/1"])
        #expect(observation.notes == [
            "3 of 4 items skipped: 2 without a date, 1 with a date in no form the reader knows (first: 'the day before yesterday', line 5)",
        ])
    }

    @Test func unbalancedTagsAreRecoveredWhenTheDocumentEndsWithItsRoot() throws {
        // HTML in a description without CDATA: `<br>` never closed. Every end tag after it
        // closes one element too high, so the root is never closed, but the document is whole.
        let observation = try observe("""
            <rss version="2.0"><channel><title>t</title>
              <item><title>one</title><link>https://e.example/1</link><pubDate>Mon, 02 Mar 2026 06:00:00 GMT</pubDate>
                <description>line<br>break</description></item>
              <item><title>two</title><link>https://e.example/2</link><pubDate>Tue, 03 Mar 2026 06:00:00 GMT</pubDate></item>
            </channel></rss>
            """)
        #expect(observation.posts.map(\.id) == ["https://e.example/1", "https://e.example/2"])
        #expect(observation.notes.count == 1)
        #expect(observation.notes == ["recovered from 5 XML errors; the first at line 3, column 45: Opening and ending tag mismatch: br line 3 and description"])
    }

    @Test func entityReferencesAfterARecoveredErrorAreKept() throws {
        // libxml2 drops entity references after any error unless told otherwise: the link would
        // read `?a=1b=2` and the title lose its `&`.
        let observation = try observe("""
            <!-- generated -->
            <?xml version="1.0"?>
            <rss version="2.0"><channel><title>t</titel>
              <item><title>Fish &amp; chips &eacute;</title><link>https://e.example/?a=1&amp;b=2</link>
                <pubDate>Mon, 02 Mar 2026 06:00:00 GMT</pubDate></item>
            </channel></rss>
            """)
        #expect(observation.posts.first?.text == "Fish & chips \u{E9}")
        #expect(observation.posts.first?.url == "https://e.example/?a=1&b=2")
        #expect(observation.notes == [
            "recovered from 2 XML errors; the first at line 2, column 6: XML declaration allowed only at the start of the document",
        ])
    }

    @Test func controlCharactersAndSpaceBeforeTheDeclarationAreRepaired() throws {
        let observation = try observe("\n  <?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><item><title>form\u{0C}feed\u{01}</title>"
            + "<link>https://e.example/1</link><pubDate>Mon, 02 Mar 2026 06:00:00 GMT</pubDate></item></channel></rss>")
        #expect(observation.posts.first?.text == "form feed")
        #expect(observation.notes == ["2 control characters XML forbids read as spaces"])
    }

    @Test func entityExpansionIsNeverPerformed() throws {
        var bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY a \"aaaaaaaaaa\">\n"
        for level in 1...9 { bomb += "<!ENTITY \(Character(Unicode.Scalar(97 + level)!)) \"" + String(repeating: "&\(Character(Unicode.Scalar(96 + level)!));", count: 10) + "\">\n" }
        bomb += "]>\n<rss version=\"2.0\"><channel><item><title>&j;</title><link>https://e.example/1</link>"
            + "<pubDate>Mon, 02 Mar 2026 06:00:00 GMT</pubDate></item></channel></rss>"
        let observation = try observe(bomb)
        #expect(observation.posts.first?.text == "&j;")
    }

    @Test func rss090AndRSS091WithItsDoctype() throws {
        let rss090 = try observe("""
            <?xml version="1.0"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/"
                     xmlns:dc="http://purl.org/dc/elements/1.1/">
              <channel><title>Old</title><link>https://old.example/</link></channel>
              <item><title>Zero nine</title><link>https://old.example/1</link><dc:date>2001-03-01</dc:date></item>
            </rdf:RDF>
            """)
        #expect(rss090.posts.map(\.id) == ["https://old.example/1"])
        let rss091 = try observe("""
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
            <rss version="0.91"><channel><title>News</title>
              <item><title>Ninety&nbsp;one</title><link>https://old.example/91</link><pubDate>Thu, 01 Mar 2001 10:00:00 EST</pubDate></item>
            </channel></rss>
            """)
        #expect(rss091.posts.first?.text == "Ninety\u{A0}one")
        #expect(rss091.posts.first?.createdAt == DateParsing.iso8601("2001-03-01T15:00:00Z"))
    }
}
