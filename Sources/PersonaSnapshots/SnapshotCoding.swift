import Foundation

/// Reading snapshots back (`personactl`, tests): snake_case keys, ISO 8601 dates. Writing is
/// `SnapshotJSON`'s.
public enum SnapshotCoding {
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
