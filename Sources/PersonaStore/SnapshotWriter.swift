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
        try write(encode(snapshot, fileName: fileName), fileName: fileName)
    }

    public func write(_ index: SnapshotIndex) throws(SnapshotWriteError) {
        try write(encode(index, fileName: "index.json"), fileName: "index.json")
    }

    private func encode(_ value: some Encodable, fileName: String) throws(SnapshotWriteError) -> Data {
        do {
            var data = try SnapshotCoding.encoder().encode(value)
            data.append(0x0A)
            return data
        } catch {
            throw SnapshotWriteError(path: fileName, detail: "cannot encode (\(error))")
        }
    }

    /// Replaces `<directory>/<fileName>` with `data`, atomically and durably.
    public func write(_ data: Data, fileName: String) throws(SnapshotWriteError) {
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
            guard fchmod(fd, 0o644) == 0, fsync(fd) == 0 else {
                throw SnapshotWriteError(path: temporary, detail: "fsync failed: \(Self.errno())")
            }
        }
        guard rename(temporary, target) == 0 else {
            throw SnapshotWriteError(path: target, detail: "rename failed: \(Self.errno())")
        }
        committed = true
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY)
        if dirfd >= 0 {
            fsync(dirfd)
            close(dirfd)
        }
    }

    /// Removes temporary files left by a writer that was killed mid-write. Call at start-up.
    public func removeTemporaryFiles() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasPrefix(Self.temporaryPrefix) {
            unlink((directory as NSString).appendingPathComponent(name))
        }
    }

    static func errno() -> String { String(cString: strerror(Glibc.errno)) }
}

public struct SnapshotWriteError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var detail: String
    public var description: String { "\(path): \(detail)" }
}
