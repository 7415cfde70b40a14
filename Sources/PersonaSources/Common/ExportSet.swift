import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An export source's `path` that names where archives land rather than one export: a glob
/// (`/var/lib/personad/exports/twitter-*.zip`) or a folder holding `.zip` files. Each archive is a
/// whole "download your data" export; they are read oldest first (by modification time), so that
/// where two hold the same post, the newer archive's counts are the ones kept.
///
/// Important: a folder is a set of archives only when it holds `.zip` files at its top level; a
/// folder without any is one unpacked export, as before. Hidden files, and partial downloads
/// (`.part`, `.crdownload`) are never archives.
public enum ExportSet {
    public struct Archive: Sendable, Hashable {
        public var path: String
        public var modified: Date
    }

    /// Whether `path` names a set of archives (a glob, or a folder of `.zip` files).
    public static func isSet(_ path: String) -> Bool {
        if isGlob(path) { return true }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return false }
        return zips(in: path).map { !$0.isEmpty } ?? false
    }

    public static func isGlob(_ path: String) -> Bool { path.contains { "*?[".contains($0) } }

    /// The archives `path` names, oldest first (ties by name); empty when none has landed yet.
    public static func archives(at path: String) -> [Archive] {
        let paths: [String]
        if isGlob(path) {
            paths = glob(path)
        } else {
            paths = zips(in: path) ?? []
        }
        let archives = paths.compactMap { file -> Archive? in
            let name = (file as NSString).lastPathComponent
            guard !name.hasPrefix("."), !name.hasSuffix(".part"), !name.hasSuffix(".crdownload") else { return nil }
            // A file that vanished between the listing and now is simply not an archive any more.
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: file) else { return nil }
            return Archive(path: file, modified: attributes[.modificationDate] as? Date ?? .distantPast)
        }
        return archives.sorted { ($0.modified, $0.path) < ($1.modified, $1.path) }
    }

    /// The `.zip` files at the top of a folder; nil if it cannot be listed.
    static func zips(in folder: String) -> [String]? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        return names.filter { $0.lowercased().hasSuffix(".zip") && !$0.hasPrefix(".") }
            .map { (folder as NSString).appendingPathComponent($0) }
    }

    /// glob(3): every match, files and folders.
    static func glob(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard Glibc.glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { index in matches.gl_pathv[index].map { String(cString: $0) } }
    }
}
