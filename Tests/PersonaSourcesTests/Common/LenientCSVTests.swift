import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaSources
import PersonaUtilities

@Suite struct LenientCSVTests {
    func read(_ text: String, required: [String] = ["Date", "Link", "Message"]) throws -> LenientCSV {
        try LenientCSV.read(Data(text.utf8), required: required, location: "export.zip", entry: "Comments.csv")
    }

    @Test func backslashEscapedAndDoubledQuotesMultilineFieldsAndPreamble() throws {
        let csv = try read(#"""
            Notes:
            "This file lists your comments, ""as written"""

            Date,Link,Message
            2025-07-01 14:33:22,https://www.linkedin.com/feed/update/urn:li:activity:1,"He said \"hi\", then left"
            2025-07-02 09:00:00,https://www.linkedin.com/feed/update/urn:li:activity:2,"two
            lines, with ""doubled"" quotes"
            ,,
            2025-07-03 10:00:00,https://x.example/3,plain
            """#)
        #expect(csv.header == ["Date", "Link", "Message"])
        #expect(csv.rows.count == 3)
        #expect(csv.rows[0]["Message"] == "He said \"hi\", then left")
        #expect(csv.rows[1]["Message"] == "two\nlines, with \"doubled\" quotes")
        #expect(csv.rows[2]["Message"] == "plain")
        #expect(csv.rows[2].line == 9)
    }

    @Test func utf16LittleEndianWithTabs() throws {
        let text = "Date\tShare Title\tShare Commentary\tVisibility\r\n2017/06/08 08:15:44 UTC\tHello\tCaf\u{e9} \u{1F600}\tPUBLIC\r\n"
        var data = Data([0xFF, 0xFE])
        data.append(text.data(using: .utf16LittleEndian) ?? Data())
        let csv = try LenientCSV.read(data, required: ["Date", "Share Commentary"], location: "x", entry: "Shares.csv")
        #expect(csv.rows.count == 1)
        #expect(csv.rows[0]["Share Commentary"] == "Caf\u{e9} \u{1F600}")
    }

    @Test func brokenQuoteAndWrongEncodingNameTheLine() {
        let broken = #expect(throws: SourceError.self) { try read("Date,Link,Message\n2025-01-01,l,\"never closed\n2025-01-02,l,x\n") }
        #expect(broken?.line == 2)
        #expect(broken?.description.contains("Comments.csv") == true)
        let latin1 = #expect(throws: SourceError.self) {
            try LenientCSV.read(Data("Date,Link,Message\n2025-01-01,l,caf".utf8) + Data([0xE9]), required: ["Date"], location: "x", entry: "Comments.csv")
        }
        #expect(latin1?.description.contains("not UTF-8") == true)
        #expect(latin1?.line == 2)
        let noHeader = #expect(throws: SourceError.self) { try read("a,b,c\n1,2,3\n") }
        #expect(noHeader?.description.contains("no header line") == true)
    }
}
