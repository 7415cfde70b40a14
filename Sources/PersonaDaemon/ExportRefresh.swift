import Foundation
import Logging
import PersonaConfig
import PersonaModel
import PersonaSources
import PersonaStore

/// The export stage of a source's refresh: decides whether the export changed, reads it on a
/// Dispatch thread (a large archive must not block Swift's cooperative pool) and stages a
/// streaming reader's batches so that they are kept only if the whole read succeeds.
///
/// Important: an export is "unchanged" when its size and modification time (of every file, for
/// a directory) match the last good read, or else when its content digest does; only then is it
/// skipped.
struct ExportRefresh: Sendable {
    let store: Store
    let logger: Logger

    /// Reads the source's export unless it is unchanged. Staged batches are dropped when the read fails.
    func read(_ reader: any ExportReader, persona: PersonaConfiguration, source: SourceConfiguration,
              state: inout SourceState) async -> (Attempt, Observation?) {
        guard let path = source.path else { return (.failure(message: "export source has no path", retryAt: nil), nil) }
        if ExportSet.isSet(path) { return await readSet(reader, persona: persona, path: path, state: &state) }
        // Unchanged exports are not read again: same size and modification time, or else the same
        // content digest (a copy of the same archive). Stored as "size:mtime|digest".
        let signature = Self.signature(of: path)
        let stored = state.contentSignature?.split(separator: "|", maxSplits: 1).map(String.init) ?? []
        let healthy = state.lastError == nil
        if let signature, healthy, stored.first == signature {
            logger.debug("persona \(persona.id): \(path) unchanged since last read")
            return (.success, nil)
        }
        let handle = persona.handle
        let knownDigest = healthy && stored.count == 2 ? stored[1] : nil
        let store = self.store
        let key = state.key
        let personaID = persona.id
        do {
            try store.discardStaged(sourceKey: key) // left by a read that was interrupted
        } catch {
            return (.failure(message: "\(error)", retryAt: nil), nil)
        }
        // Exports are read on a Dispatch thread: a large archive must not block Swift's
        // cooperative pool, which the fetch engine's callers share.
        let result: Result<(Observation?, String), SourceError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                // A large export hands its posts over in batches while it streams: they are staged
                // (on another core while the reader parses on), and kept only if the whole read
                // succeeds (promoted with this source's update).
                let staging = StagingWriter(store: store, persona: personaID, key: key, location: path)
                continuation.resume(returning: Result { () throws(SourceError) -> (Observation?, String) in
                    do throws(SourceError) {
                        let archive = try ExportArchive(path: path)
                        let digest = archive.contentDigest()
                        if digest == knownDigest { return (nil, digest) }
                        var observation = try reader.read(archive, handle: handle, sink: staging.sink)
                        try staging.finish()
                        observation.asOf = signature.flatMap { _ in Self.modified(path) }
                        return (observation, digest)
                    } catch {
                        // Nothing may still be writing when the staged rows are dropped; the read's
                        // own error is the one to report, so a staging failure here adds nothing.
                        try? staging.finish()
                        throw error
                    }
                })
            }
        }
        switch result {
        case .failure(let error):
            return failed(error, key: key, persona: persona, path: path)
        case .success((let observation, let digest)):
            state.contentSignature = "\(signature ?? "")|\(digest)"
            if let observation {
                logger.info("persona \(persona.id): read \(observation.posts.count) posts from \(path)")
            } else {
                logger.debug("persona \(persona.id): \(path) has the same content as before")
            }
            return (.success, observation)
        }
    }

    /// A read that failed: what it staged is dropped, and the read's own error is the outcome.
    func failed(_ error: SourceError, key: String, persona: PersonaConfiguration, path: String) -> (Attempt, Observation?) {
        do {
            try store.discardStaged(sourceKey: key)
        } catch let discard {
            // The next read of this source discards them again before it stages anything.
            logger.warning("persona \(persona.id): cannot drop the posts staged from \(path): \(discard)")
        }
        return (.failure(message: "\(error)", retryAt: nil), nil)
    }

    /// When an export was made, as far as the disk tells: the newest modification time of the file,
    /// or of any file under the directory.
    static func modified(_ path: String) -> Date? {
        let manager = FileManager.default
        guard let attributes = try? manager.attributesOfItem(atPath: path) else { return nil }
        guard attributes[.type] as? FileAttributeType == .typeDirectory else { return attributes[.modificationDate] as? Date }
        var newest: Date?
        for case let name as String in manager.enumerator(atPath: path) ?? FileManager.DirectoryEnumerator() {
            // A file that vanished while listed has no date to give.
            if let date = (try? manager.attributesOfItem(atPath: (path as NSString).appendingPathComponent(name)))?[.modificationDate] as? Date {
                newest = max(newest ?? date, date)
            }
        }
        return newest
    }

    /// Size and modification time of a file, or of every file under a directory; nil when the
    /// path cannot be read (the read that follows then names the error).
    static func signature(of path: String) -> String? {
        let manager = FileManager.default
        guard let attributes = try? manager.attributesOfItem(atPath: path) else { return nil }
        if attributes[.type] as? FileAttributeType == .typeDirectory {
            var parts: [String] = []
            for case let name as String in manager.enumerator(atPath: path) ?? FileManager.DirectoryEnumerator() {
                let full = (path as NSString).appendingPathComponent(name)
                // A file that vanished while listed is left out of the signature (the read names it, if needed).
                guard let inner = try? manager.attributesOfItem(atPath: full), inner[.type] as? FileAttributeType == .typeRegular else { continue }
                parts.append("\(name):\(inner[.size] ?? 0):\((inner[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)")
            }
            return parts.sorted().joined(separator: ";")
        }
        return "\(attributes[.size] ?? 0):\((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
    }
}
