import Foundation
import ZIPFoundation

/// Builds zip archives for tests, entry by entry, as a platform's export would be packed.
public enum ZipFixture {
    /// Writes a zip at `path` holding `entries` (path → text). `compressed: false` stores the
    /// bytes as they are, so a test can corrupt them at a known place.
    public static func make(at path: String, entries: [(String, String)], compressed: Bool = true) throws {
        try? FileManager.default.removeItem(atPath: path)
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for (name, text) in entries {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: name, type: .file, uncompressedSize: Int64(data.count),
                compressionMethod: compressed ? .deflate : .none,
                provider: { position, size in data.subdata(in: Data.Index(position)..<Data.Index(position) + size) })
        }
    }
}
