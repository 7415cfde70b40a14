import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaSources

@Suite final class ExportArchiveTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory("archive") }

    deinit { directory.remove() }

    @Test func truncatedZipIsAClearError() throws {
        let path = directory.file("cut.zip")
        try ZipFixture.make(at: path, entries: [("data/tweets.js", XFixtures.current([XFixtures.tweet("1")]))])
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: SourceError.self) { try ExportArchive(path: path) }
        #expect(error?.location == path)
        #expect(error?.description.contains("truncated") == true)
    }

    @Test func crcMismatchNamesArchiveAndEntry() throws {
        let path = directory.file("corrupt.zip")
        let text = XFixtures.current([XFixtures.tweet("1")])
        try ZipFixture.make(at: path, entries: [("data/tweets.js", text)], compressed: false)
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        let marker = Data("hello #Swift".utf8)
        let range = try #require(data.range(of: marker))
        data[range.lowerBound] = UInt8(ascii: "J")
        try data.write(to: URL(fileURLWithPath: path))
        let archive = try ExportArchive(path: path)
        let error = #expect(throws: SourceError.self) { try archive.data(at: "data/tweets.js") }
        #expect(error?.entry == "data/tweets.js")
        #expect(error?.description.contains("CRC-32 mismatch") == true)
    }

    @Test func inflatingPastTheCapIsRefused() throws {
        let path = directory.file("bomb.zip")
        try ZipFixture.make(at: path, entries: [("data/tweets.js", String(repeating: "0", count: 1 << 20))])
        let archive = try ExportArchive(path: path, maximumEntryBytes: 64 << 10)
        let error = #expect(throws: SourceError.self) { try archive.data(at: "data/tweets.js") }
        #expect(error?.description.contains("limit") == true)
    }

    @Test func missingPathIsAClearError() {
        let error = #expect(throws: SourceError.self) { try ExportArchive(path: directory.file("nope.zip")) }
        #expect(error?.description.contains("no such file") == true)
    }
}
