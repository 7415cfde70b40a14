import Foundation
import PersonaModel

/// A reader of an export archive (a `.zip` or a directory).
public protocol ExportReader: Sendable {
    /// What this kind of export can never measure, and why; the scorer lists these as unmeasured.
    static var unmeasurable: [Metric: String] { get }
    func read(_ archive: ExportArchive, handle: String) throws(SourceError) -> Observation
    /// The same, for archives too large to hold: the reader may hand posts to `sink` in batches as
    /// it goes (they are staged, and kept only if the whole read succeeds); the returned
    /// observation holds the rest. Readers of small exports need not implement it.
    func read(_ archive: ExportArchive, handle: String, sink: PostSink) throws(SourceError) -> Observation
}

/// Where a streaming reader hands batches of posts. It empties the array it is given.
public typealias PostSink = (inout [Post]) throws(SourceError) -> Void

extension ExportReader {
    public func read(_ archive: ExportArchive, handle: String, sink: PostSink) throws(SourceError) -> Observation {
        try read(archive, handle: handle)
    }
}
