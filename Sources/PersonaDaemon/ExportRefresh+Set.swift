import Foundation
import PersonaConfig
import PersonaModel
import PersonaSources
import PersonaStore

extension ExportRefresh {
    /// Reads the archives of a folder or glob that it has not read yet, oldest first: each once
    /// (an unchanged file is not opened; a copy with a known digest is not read again). Their
    /// posts are staged in that order, so that where two archives hold a post the newer one's
    /// counts are kept; `asOf` is the newest archive's date, so an older archive dropped in later
    /// never replaces counts a newer one gave (the store keeps the most recent observation).
    ///
    /// Important: if one archive fails, nothing of this read is kept and the ledger is unchanged,
    /// so every archive not yet read is tried again at the next attempt.
    func readSet(_ reader: any ExportReader, persona: PersonaConfiguration, path: String,
                 state: inout SourceState) async -> (Attempt, Observation?) {
        let archives = ExportSet.archives(at: path)
        guard !archives.isEmpty else {
            return (.failure(message: "\(path): no export archive there yet (the folder holds no .zip, or the pattern matches nothing)", retryAt: nil), nil)
        }
        let ledger = ArchiveLedger(signature: state.contentSignature)
        let pending = archives.filter { archive in ledger.entry(path: archive.path)?.signature != Self.signature(of: archive.path) }
        guard !pending.isEmpty else {
            logger.debug("persona \(persona.id): no new archive in \(path)")
            return (.success, nil)
        }
        let store = self.store
        let key = state.key
        let personaID = persona.id
        let handle = persona.handle
        do {
            try store.discardStaged(sourceKey: key) // left by a read that was interrupted
        } catch {
            return (.failure(message: "\(error)", retryAt: nil), nil)
        }
        // On a Dispatch thread, as a single export: large archives must not block the cooperative pool.
        let result: Result<(Observation?, ArchiveLedger, [String]), SourceError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(SourceError) -> (Observation?, ArchiveLedger, [String]) in
                    var ledger = ledger
                    var merged: Observation?
                    var read: [String] = []
                    let now = Date()
                    for archive in pending {
                        let signature = Self.signature(of: archive.path) ?? ""
                        let opened = try ExportArchive(path: archive.path)
                        let digest = opened.contentDigest()
                        if let copy = ledger.entries.first(where: { $0.digest == digest }) {
                            ledger.record(.init(path: archive.path, signature: signature, digest: digest, modified: archive.modified,
                                                readAt: copy.readAt, posts: copy.posts))
                            continue
                        }
                        let staging = StagingWriter(store: store, persona: personaID, key: key, location: archive.path)
                        let observation: Observation
                        do throws(SourceError) {
                            observation = try reader.read(opened, handle: handle, sink: staging.sink)
                            try staging.finish()
                        } catch {
                            // The read's own error names the archive; nothing may still be staging.
                            try? staging.finish()
                            throw error
                        }
                        ledger.record(.init(path: archive.path, signature: signature, digest: digest, modified: archive.modified,
                                            readAt: now, posts: staging.staged + observation.posts.count))
                        read.append(archive.path)
                        merged = Self.merge(merged, observation, asOf: archive.modified)
                    }
                    return (merged, ledger, read)
                })
            }
        }
        switch result {
        case .failure(let error):
            return failed(error, key: key, persona: persona, path: path)
        case .success((let observation, let updated, let read)):
            state.contentSignature = updated.encoded
            if read.isEmpty {
                logger.debug("persona \(persona.id): the new files in \(path) are copies of archives already read")
                return (.success, nil)
            }
            let posts = updated.entries.filter { read.contains($0.path) }.reduce(0) { $0 + $1.posts }
            let names = read.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
            logger.info("persona \(persona.id): read \(posts) posts from \(read.count) new \(read.count == 1 ? "archive" : "archives") in \(path): \(names)")
            return (.success, observation ?? Observation(posts: []))
        }
    }

    /// The posts, interactions and reactions of archives read one after another, newest last.
    static func merge(_ earlier: Observation?, _ later: Observation, asOf: Date) -> Observation {
        var merged = earlier ?? Observation(posts: [], unmeasurable: later.unmeasurable)
        merged.posts += later.posts
        merged.interactions += later.interactions
        merged.engagements += later.engagements
        merged.audience = later.audience ?? merged.audience
        merged.skippedReposts += later.skippedReposts
        merged.unmeasurable = later.unmeasurable
        merged.asOf = max(merged.asOf ?? asOf, asOf)
        return merged
    }
}
