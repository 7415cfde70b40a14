import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes snapshot files atomically: a temporary file in the same directory, `fsync`, `rename`
/// over the old file, `fsync` of the directory. A reader sees the old file or the new one, never
/// a torn one, and a crash leaves at worst a temporary file, which `removeTemporaryFiles()` clears.
public struct SnapshotWriter: Sendable {
    public let directory: String
    static let temporaryPrefix = ".personad-tmp-"
    /// mkstemp(3) replaces these six characters with a unique suffix.
    static let mkstempSuffix = String(repeating: "X", count: 6)

    public init(directory: String) throws(SnapshotWriteError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SnapshotWriteError(path: directory, detail: "cannot create directory (\(error.localizedDescription))")
        }
    }

    public func write(_ snapshot: PersonaSnapshot, fileName: String) throws(SnapshotWriteError) {
        try write(SnapshotJSON.encode(snapshot), fileName: fileName)
    }

    public func write(_ index: SnapshotIndex) throws(SnapshotWriteError) {
        try write(SnapshotJSON.encode(index), fileName: "index.json")
    }

    /// Replaces `<directory>/<fileName>` with `data`, atomically and durably.
    public func write(_ data: Data, fileName: String) throws(SnapshotWriteError) {
        let target = (directory as NSString).appendingPathComponent(fileName)
        let temporary = try writeTemporary(data, fileName: fileName, sync: true)
        guard rename(temporary, target) == 0 else {
            let error = SnapshotWriteError(path: target, detail: "rename failed: \(Self.errno())")
            unlink(temporary)
            throw error
        }
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY)
        if dirfd >= 0 {
            fsync(dirfd)
            close(dirfd)
        }
    }

    /// Writes `data` to a new temporary file beside its target and returns the file's path.
    private func writeTemporary(_ data: Data, fileName: String, sync: Bool) throws(SnapshotWriteError) -> String {
        let target = (directory as NSString).appendingPathComponent(fileName)
        var template = Array((directory as NSString).appendingPathComponent(Self.temporaryPrefix + fileName + "." + Self.mkstempSuffix).utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw SnapshotWriteError(path: target, detail: "cannot create a temporary file: \(Self.errno())") }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var committed = false
        defer {
            if !committed { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            let written = data.withUnsafeBytes { buffer -> Bool in
                guard let base = buffer.baseAddress else { return true }
                var offset = 0
                while offset < buffer.count {
                    let n = Glibc.write(fd, base + offset, buffer.count - offset)
                    if n < 0 { if Glibc.errno == EINTR { continue }; return false }
                    offset += n
                }
                return true
            }
            guard written else { throw SnapshotWriteError(path: temporary, detail: "write failed: \(Self.errno())") }
            guard fchmod(fd, 0o644) == 0 else { throw SnapshotWriteError(path: temporary, detail: "fchmod failed: \(Self.errno())") }
            if sync, fsync(fd) != 0 { throw SnapshotWriteError(path: temporary, detail: "fsync failed: \(Self.errno())") }
        }
        committed = true
        return temporary
    }

    /// Replaces many files at once, each atomically, with one flush for all of them: every
    /// temporary file is written, then `syncfs` makes them all durable, then each is renamed over
    /// its target, then the directory is synced. A reader sees each file old or new, never torn,
    /// at the cost of one flush instead of one per file.
    public func write(batch: [(fileName: String, snapshot: PersonaSnapshot)]) throws(SnapshotWriteError) {
        let staged = Staged()
        for (fileName, snapshot) in batch { staged.add(try stage(snapshot, fileName: fileName)) }
        try publish(staged)
    }

    /// A snapshot written to its temporary file, not yet synced nor renamed over its target.
    public struct StagedFile: Sendable {
        var temporary: String
        var target: String
    }

    /// Temporary files written but not yet renamed over their targets. Whatever is left in it
    /// when it is dropped (a failure, or `publish` never called) is unlinked.
    public final class Staged {
        var entries: [StagedFile] = []
        public init() {}
        public func add(_ file: StagedFile) { entries.append(file) }
        deinit { for entry in entries { unlink(entry.temporary) } }
    }

    /// Writes one snapshot's temporary file (not synced, not renamed). Callers with thousands of
    /// snapshots stage them as they go, from several threads at once, so that their bodies need
    /// not all be in memory; `publish` then makes them durable and visible together.
    public func stage(_ snapshot: PersonaSnapshot, fileName: String) throws(SnapshotWriteError) -> StagedFile {
        try stage(SnapshotJSON.encode(snapshot), fileName: fileName)
    }

    /// The same, for bytes already rendered (`SnapshotJSON.Prepared.data`).
    public func stage(_ data: Data, fileName: String) throws(SnapshotWriteError) -> StagedFile {
        let temporary = try writeTemporary(data, fileName: fileName, sync: false)
        return StagedFile(temporary: temporary, target: (directory as NSString).appendingPathComponent(fileName))
    }

    /// One `syncfs` for every staged file, then each rename, then the directory's sync.
    public func publish(_ staged: Staged) throws(SnapshotWriteError) {
        guard !staged.entries.isEmpty else { return }
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY)
        guard dirfd >= 0 else { throw SnapshotWriteError(path: directory, detail: "cannot open: \(Self.errno())") }
        defer { close(dirfd) }
        guard Self.syncFileSystem(dirfd) else { throw SnapshotWriteError(path: directory, detail: "syncfs failed: \(Self.errno())") }
        // Renamed in order; on a failure the rest stay staged, to be unlinked.
        for (index, entry) in staged.entries.enumerated() {
            guard rename(entry.temporary, entry.target) == 0 else {
                staged.entries.removeFirst(index)
                throw SnapshotWriteError(path: entry.target, detail: "rename failed: \(Self.errno())")
            }
        }
        staged.entries.removeAll()
        fsync(dirfd)
    }

    /// Removes temporary files left by a writer that was killed mid-write. Call at start-up.
    public func removeTemporaryFiles() {
        // The directory was just created by `init`; if it cannot be listed, there is nothing to clear.
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasPrefix(Self.temporaryPrefix) {
            unlink((directory as NSString).appendingPathComponent(name))
        }
    }

    static func errno() -> String { String(cString: strerror(Glibc.errno)) }

    /// `syncfs(2)`: Glibc's module map hides it (it needs `_GNU_SOURCE`), so it is looked up
    /// once by name. Without it, `sync(2)` does the same for every file system.
    private static let syncfsFunction: (@convention(c) (Int32) -> Int32)? = {
        guard let symbol = dlsym(nil, "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    }()

    static func syncFileSystem(_ fd: Int32) -> Bool {
        if let syncfs = syncfsFunction { return syncfs(fd) == 0 }
        sync()
        return true
    }
}

public struct SnapshotWriteError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var detail: String
    public var description: String { "\(path): \(detail)" }
}
