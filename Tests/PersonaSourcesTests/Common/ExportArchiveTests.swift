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
        // Refused from the central directory's size, before anything is inflated.
        #expect(error?.description.contains("inflates to 1048576 bytes, past the 65536-byte limit") == true, "\(String(describing: error))")
        let streamed = #expect(throws: SourceError.self) { try archive.stream(at: "data/tweets.js") { _ in } }
        #expect(streamed?.description.contains("inflates to 1048576 bytes") == true)
    }

    /// A bomb whose headers understate its size is stopped while it inflates, at the limit.
    @Test func aBombThatLiesAboutItsSizeStopsAtTheLimit() throws {
        let path = directory.file("liar.zip")
        try ZipFixture.make(at: path, entries: [("data/tweets.js", String(repeating: "0", count: 1 << 20))])
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // The uncompressed size in the local header (offset 22) and the central directory (offset 24): 1,000.
        var patched = 0
        for index in 0..<(bytes.count - 4) {
            let signature = UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24
            let offset = signature == 0x0403_4b50 ? 22 : signature == 0x0201_4b50 ? 24 : nil
            guard let offset else { continue }
            bytes.replaceSubrange((index + offset)..<(index + offset + 4), with: [0xE8, 0x03, 0, 0])
            patched += 1
        }
        #expect(patched == 2)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let archive = try ExportArchive(path: path, maximumEntryBytes: 64 << 10)
        let error = #expect(throws: SourceError.self) { try archive.data(at: "data/tweets.js") }
        #expect(error?.description.contains("inflates past the 65536-byte limit for a file read whole, though its header says 1000 bytes") == true,
                "\(String(describing: error))")
        var received = 0
        let streamed = #expect(throws: SourceError.self) { try archive.stream(at: "data/tweets.js") { received += $0.count } }
        #expect(streamed?.description.contains("inflates past the 65536-byte limit") == true, "\(String(describing: streamed))")
        #expect(received <= 64 << 10)
    }

    /// Nothing is extracted: entries named to climb out of the archive are names, and reading the
    /// archive through its reader writes no file anywhere.
    @Test func entriesThatClimbOutAreOnlyNames() throws {
        let path = directory.file("climb.zip")
        let outside = directory.file("escaped.js")
        try ZipFixture.make(at: path, entries: [
            ("../escaped.js", "pwned"), ("/tmp/personad-absolute.js", "pwned"),
            ("data/tweets.js", XFixtures.current([XFixtures.tweet("1")])),
        ])
        let archive = try ExportArchive(path: path)
        #expect(archive.paths.contains("data/tweets.js"))
        let observation = try XArchiveReader().read(archive, handle: "ana")
        #expect(observation.posts.count == 1)
        #expect(!FileManager.default.fileExists(atPath: outside) && !FileManager.default.fileExists(atPath: "/tmp/personad-absolute.js"))
    }

    /// An unpacked export whose file is a link out of it is refused, naming the entry; a link that
    /// stays inside the export is followed.
    @Test func aSymbolicLinkOutOfAnUnpackedExportIsRefused() throws {
        let secret = try directory.write("secret.txt", "root:x:0:0")
        try directory.write("unpacked/data/account.js", XFixtures.account)
        try FileManager.default.createSymbolicLink(atPath: directory.file("unpacked/data/tweets.js"), withDestinationPath: secret)
        let archive = try ExportArchive(path: directory.file("unpacked"))
        let error = #expect(throws: SourceError.self) { try archive.data(at: "data/tweets.js") }
        #expect(error?.entry == "data/tweets.js" && error?.description.contains("leads outside the export") == true, "\(String(describing: error))")
        let streamed = #expect(throws: SourceError.self) { try archive.stream(at: "data/tweets.js") { _ in } }
        #expect(streamed?.description.contains("leads outside the export") == true)
        #expect(!(String(describing: error)).contains("root:x"))

        try directory.write("unpacked/data/real-tweets.js", XFixtures.current([XFixtures.tweet("1")]))
        try FileManager.default.removeItem(atPath: directory.file("unpacked/data/tweets.js"))
        try FileManager.default.createSymbolicLink(atPath: directory.file("unpacked/data/tweets.js"), withDestinationPath: "real-tweets.js")
        #expect(try ExportArchive(path: directory.file("unpacked")).data(at: "data/tweets.js").count > 100)
    }

    @Test func missingPathIsAClearError() {
        let error = #expect(throws: SourceError.self) { try ExportArchive(path: directory.file("nope.zip")) }
        #expect(error?.description.contains("no such file") == true)
    }
}
