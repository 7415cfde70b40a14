import Foundation
import PersonaModel
import ZIPFoundation
import PersonaUtilities

/// Read-only access to an export, whether it arrived as a `.zip` or was unpacked to a directory.
///
/// Entries are read into memory one at a time; nothing is extracted to disk.
///
/// Important: nothing is ever extracted, so a zip entry named `../x` or `/etc/x` is only a name. In
/// an unpacked export, a file is read only if its real path (symbolic links resolved) lies inside
/// the export's directory: a link to `/etc/shadow` is refused, naming the entry.
///
/// Important: a zip's headers can lie. Every entry read from a zip is checked against its
/// CRC-32 and capped at `maximumEntryBytes` while it is inflated, so a corrupt archive or a
/// zip bomb ends in a `SourceError` naming the archive and the entry, never in a crash or an
/// exhausted machine.
public final class ExportArchive {
    /// Entries larger than this are refused (default 2 GiB, above any real single export file).
    public let maximumEntryBytes: UInt64
    public let location: String
    private let storage: Storage
    /// Entry paths, `/`-separated and relative to the archive's root, files only.
    public let paths: [String]

    private enum Storage {
        case zip(Archive, [String: Entry])
        case directory(URL)
    }

    /// Opens `path` as a directory if it is one, else as a zip file.
    public init(path: String, maximumEntryBytes: UInt64 = 2 << 30) throws(SourceError) {
        self.location = path
        self.maximumEntryBytes = maximumEntryBytes
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SourceError(location: path, detail: "no such file or directory")
        }
        if isDirectory.boolValue {
            let root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
            storage = .directory(root)
            paths = Self.listDirectory(root)
            return
        }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw SourceError(location: path, detail: "not a readable zip archive (\(Self.describe(error))); is it truncated?")
        }
        var entries: [String: Entry] = [:]
        for entry in archive where entry.type == .file {
            entries[entry.path] = entry
        }
        storage = .zip(archive, entries)
        paths = entries.keys.sorted()
    }

    /// A digest of the export's content: for a zip, every entry's path, size and CRC-32 from its
    /// central directory (no entry is inflated); for a directory, every file's path and all of its
    /// bytes (a prefix would miss an edit that keeps a file's size). It is asked only when an
    /// export's size or modification time changed, so that a copy of the same archive is not read
    /// again; a directory whose files changed is read in full right after anyway.
    ///
    /// Important: a file that cannot be read adds only its path and size (the read that follows
    /// names the error). A directory's digest starts with `w` (`WordHash`): one stored by an older
    /// personad (FNV-1a) differs, so that export is read once more after an upgrade.
    public func contentDigest() -> String {
        var hash = StableHash()
        func mix(_ bytes: some Sequence<UInt8>) { hash.combine(bytes) }
        switch storage {
        case .zip(_, let entries):
            for path in paths {
                guard let entry = entries[path] else { continue }
                mix("\(path)|\(entry.uncompressedSize)|\(entry.checksum);".utf8)
            }
        case .directory(let root):
            // Eight bytes a step: FNV-1a byte by byte took a tenth of an X ingest's wall time.
            var words = WordHash()
            for path in paths {
                // A file that leads outside the export is hashed by its name only (reading it is refused).
                guard let url = try? inside(root, path) else {
                    words.combine("\(path)|outside;")
                    continue
                }
                let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? UInt64) ?? 0 // see above
                words.combine("\(path)|\(size);")
                if let handle = try? FileHandle(forReadingFrom: url) {
                    while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { chunk.withUnsafeBytes { words.combine($0) } }
                    try? handle.close() // read-only: closing cannot lose data
                }
            }
            return "w" + words.hex
        }
        return hash.hex
    }

    /// Hands one entry's bytes to `consumer` in chunks, without holding the entry in memory:
    /// for the largest files (an X archive's `tweets.js` can pass a gigabyte). A zip entry is capped
    /// while it inflates and its CRC-32 checked at the end; a failure then throws, after `consumer`
    /// has seen the chunks, so callers must discard what they built.
    public func stream(at path: String, _ consumer: (UnsafeBufferPointer<UInt8>) throws -> Void) throws(SourceError) {
        switch storage {
        case .directory(let root):
            let url = try inside(root, path)
            let handle: FileHandle
            do {
                handle = try FileHandle(forReadingFrom: url)
            } catch {
                throw SourceError(location: location, entry: path, detail: "cannot read (\(Self.describe(error)))")
            }
            defer { try? handle.close() } // a read-only handle: closing it cannot lose data
            do {
                while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                    try chunk.withUnsafeBytes { try consumer($0.bindMemory(to: UInt8.self)) }
                }
            } catch let error as SourceError {
                throw error
            } catch {
                throw SourceError(location: location, entry: path, detail: "\(error)")
            }
        case .zip(let archive, let entries):
            guard let entry = entries[path] else {
                throw SourceError(location: location, entry: path, detail: "no such entry in the archive")
            }
            let limit = maximumEntryBytes
            // The central directory states the size: an honest bomb is refused before any inflation,
            // a lying one where the inflated bytes pass the limit.
            guard entry.uncompressedSize <= limit else {
                throw SourceError(location: location, entry: path, detail: "inflates to \(entry.uncompressedSize) bytes, past the \(limit)-byte limit (zip bomb?)")
            }
            var total: UInt64 = 0
            let checksum: CRC32
            do {
                checksum = try archive.extract(entry, bufferSize: 1 << 20, skipCRC32: false) { chunk in
                    total += UInt64(chunk.count)
                    guard total <= limit else { throw EntryTooLarge() }
                    try chunk.withUnsafeBytes { try consumer($0.bindMemory(to: UInt8.self)) }
                }
            } catch is EntryTooLarge {
                throw SourceError(location: location, entry: path, detail: "inflates past the \(limit)-byte limit (zip bomb?)")
            } catch let error as SourceError {
                throw error
            } catch {
                throw SourceError(location: location, entry: path, detail: "cannot inflate (\(Self.describe(error))); the archive is damaged or truncated")
            }
            guard checksum == entry.checksum, total == entry.uncompressedSize else {
                throw SourceError(location: location, entry: path, detail: String(
                    format: "CRC-32 or size mismatch (stored %08x, %llu bytes; read %08x, %llu bytes): the archive is damaged",
                    entry.checksum, entry.uncompressedSize, checksum, total))
            }
        }
    }

    /// The most a file read whole (`data(at:)`) may hold: such a file is parsed into a tree, which
    /// costs several times its size in memory. Real exports' JSON and CSV files are megabytes; the
    /// one file that grows to gigabytes, X's `tweets.js`, is streamed (`stream(at:)`).
    public static let wholeEntryLimit: UInt64 = 512 << 20

    /// The bytes of one entry, verified; refused past `wholeEntryLimit` (or `maximumEntryBytes`,
    /// if smaller) before it is all in memory: a zip bomb stops at the limit.
    public func data(at path: String) throws(SourceError) -> Data {
        let limit = min(maximumEntryBytes, Self.wholeEntryLimit)
        switch storage {
        case .directory(let root):
            let url = try inside(root, path)
            do {
                let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? UInt64 ?? 0
                guard size <= limit else {
                    throw SourceError(location: location, entry: path, detail: "file is \(size) bytes, over the \(limit)-byte limit for a file read whole")
                }
                return try Data(contentsOf: url, options: .mappedIfSafe)
            } catch let error as SourceError {
                throw error
            } catch {
                throw SourceError(location: location, entry: path, detail: "cannot read (\(Self.describe(error)))")
            }
        case .zip(let archive, let entries):
            guard let entry = entries[path] else {
                throw SourceError(location: location, entry: path, detail: "no such entry in the archive")
            }
            guard entry.uncompressedSize <= limit else {
                throw SourceError(location: location, entry: path, detail: "inflates to \(entry.uncompressedSize) bytes, past the \(limit)-byte limit for a file read whole (zip bomb?)")
            }
            var data = Data()
            data.reserveCapacity(Int(min(entry.uncompressedSize, 64 << 20)))
            let checksum: CRC32
            do {
                checksum = try archive.extract(entry, bufferSize: 1 << 16, skipCRC32: false) { chunk in
                    guard UInt64(data.count + chunk.count) <= limit else { throw EntryTooLarge() }
                    data.append(chunk)
                }
            } catch is EntryTooLarge {
                throw SourceError(location: location, entry: path, detail: "inflates past the \(limit)-byte limit for a file read whole, though its header says \(entry.uncompressedSize) bytes (zip bomb?)")
            } catch {
                throw SourceError(location: location, entry: path, detail: "cannot inflate (\(Self.describe(error))); the archive is damaged or truncated")
            }
            guard checksum == entry.checksum else {
                throw SourceError(location: location, entry: path, detail: String(
                    format: "CRC-32 mismatch (stored %08x, computed %08x): the archive is damaged", entry.checksum, checksum))
            }
            guard UInt64(data.count) == entry.uncompressedSize else {
                throw SourceError(location: location, entry: path, detail: "size mismatch (header says \(entry.uncompressedSize) bytes, read \(data.count)): the archive is damaged")
            }
            return data
        }
    }

    private struct EntryTooLarge: Error {}

    /// The file `path` names under `root`, if its real path (links resolved) stays inside `root`.
    private func inside(_ root: URL, _ path: String) throws(SourceError) -> URL {
        let url = root.appendingPathComponent(path)
        guard let real = realpath(url.path, nil) else {
            throw SourceError(location: location, entry: path, detail: "cannot read (\(String(cString: strerror(errno))))")
        }
        defer { free(real) }
        let resolved = String(cString: real)
        let rootReal = realpath(root.path, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        } ?? root.path
        guard resolved.hasPrefix(rootReal.hasSuffix("/") ? rootReal : rootReal + "/") else {
            throw SourceError(location: location, entry: path, detail: "leads outside the export to \(resolved) (a symbolic link?); refused")
        }
        return URL(fileURLWithPath: resolved)
    }

    private static func listDirectory(_ root: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        var result: [String] = []
        for case let url as URL in enumerator {
            // What cannot be stat-ed is not a file the readers can use; a missing file is named when asked for.
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let full = url.standardizedFileURL.path
            if full.hasPrefix(prefix) { result.append(String(full.dropFirst(prefix.count))) }
        }
        return result.sorted()
    }

    static func describe(_ error: any Error) -> String {
        if let archiveError = error as? Archive.ArchiveError { return "\(archiveError)" }
        return error.localizedDescription
    }
}
