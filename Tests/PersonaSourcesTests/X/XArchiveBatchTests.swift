import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaSources

@Suite final class XArchiveBatchTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory("x-batches") }
    deinit { directory.remove() }

    @Test func postsAreHandedOverInBatchesAndNoneIsLost() throws {
        try directory.write("a/data/tweets.js", XFixtures.current((1...50).map { XFixtures.tweet("\($0)") }))
        var batches: [Int] = []
        var ids: [String] = []
        let observation = try XArchiveReader(batchSize: 7).read(ExportArchive(path: directory.file("a")), handle: "ana") { posts throws(SourceError) in
            batches.append(posts.count)
            ids += posts.map(\.id)
            posts.removeAll()
        }
        #expect(batches == Array(repeating: 7, count: 7))
        ids += observation.posts.map(\.id)
        #expect(ids.count == 50 && Set(ids).count == 50)
    }
}
