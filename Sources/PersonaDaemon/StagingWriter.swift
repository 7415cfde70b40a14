import Dispatch
import PersonaModel
import PersonaSources
import PersonaStore
import Synchronization

/// Stages a streaming export's batches of posts on its own serial queue while the reader goes on
/// parsing, so that parsing and SQLite writes use both cores. At most `depth` batches wait: memory
/// stays bounded whatever the archive's size.
///
/// Important: call `finish()` before using the result of the read (it waits for every batch and
/// reports the first failure); after a failed read, call it too before discarding what was staged.
final class StagingWriter: Sendable {
    private let store: Store
    private let persona: PersonaID
    private let key: String
    private let location: String
    private let queue = DispatchQueue(label: "personad.staging")
    private let slots: DispatchSemaphore
    private let failure = Mutex<SourceError?>(nil)
    private let count = Mutex(0)

    /// How many posts were handed over so far.
    var staged: Int { count.withLock { $0 } }

    init(store: Store, persona: PersonaID, key: String, location: String, depth: Int = 2) {
        self.store = store
        self.persona = persona
        self.key = key
        self.location = location
        slots = DispatchSemaphore(value: max(1, depth))
    }

    /// Queues one batch; throws the failure of an earlier batch, if any.
    func submit(_ posts: [Post]) throws(SourceError) {
        if let error = failure.withLock({ $0 }) { throw error }
        count.withLock { $0 += posts.count }
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard failure.withLock({ $0 }) == nil else { return }
            do {
                try store.stage(posts, persona: persona, sourceKey: key)
            } catch {
                failure.withLock { $0 = SourceError(location: location, detail: "\(error)") }
            }
        }
    }

    /// Waits for every queued batch; throws the first failure.
    func finish() throws(SourceError) {
        queue.sync {}
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// The reader's sink: hands the batch over and empties it.
    var sink: PostSink {
        { (posts: inout [Post]) throws(SourceError) in
            try self.submit(posts)
            posts.removeAll(keepingCapacity: true)
        }
    }
}
