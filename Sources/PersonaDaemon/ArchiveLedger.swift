import Foundation

/// What an export set (a folder or glob of archives, `ExportSet`) remembers of each archive it
/// read: kept in the source state's content signature as JSON behind `set:`, so that each archive
/// is read once, a renamed copy not at all, and the snapshot can list them.
struct ArchiveLedger: Codable, Sendable, Hashable {
    struct Entry: Codable, Sendable, Hashable {
        /// The archive's path when it was read.
        var path: String
        /// Size and modification time ("size:mtime"): unchanged archives are not opened.
        var signature: String
        /// The content digest (`ExportArchive.contentDigest`): a copy is not read twice.
        var digest: String
        /// When its modification time says it was made, and when it was read.
        var modified: Date
        var readAt: Date
        /// Posts it held.
        var posts: Int
    }

    var entries: [Entry] = []

    static let prefix = "set:"

    /// The ledger in a stored signature; empty for none (or a single export's signature).
    init(signature: String?) {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        guard let signature, signature.hasPrefix(Self.prefix),
              let ledger = try? decoder.decode(ArchiveLedger.self, from: Data(signature.dropFirst(Self.prefix.count).utf8)) else {
            // Not a ledger (a single export's "size:mtime|digest", or nothing yet): start empty.
            return
        }
        self = ledger
    }

    init() {}

    var encoded: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        // Strings, numbers and dates only: encoding cannot fail.
        return Self.prefix + String(decoding: (try? encoder.encode(self)) ?? Data("{\"entries\":[]}".utf8), as: UTF8.self)
    }

    func entry(path: String) -> Entry? { entries.first { $0.path == path } }

    mutating func record(_ entry: Entry) {
        entries.removeAll { $0.path == entry.path }
        entries.append(entry)
        entries.sort { ($0.modified, $0.path) < ($1.modified, $1.path) }
    }
}
