import Foundation
import ZIPFoundation

/// A score history entry as stored: its JSON, deflated (raw DEFLATE through ZIPFoundation's zlib).
///
/// An entry is written once per change and kept for weeks (`history_full`), so its size is the
/// store's growth: the JSON (keys repeated in every component, reasons in words) deflates to about
/// a quarter (Docs/reliability.md §7). The interval, which `personactl history` lists for every
/// entry, has columns of its own, so listing never inflates an entry.
enum HistoryPacking {
    struct Malformed: Error, CustomStringConvertible {
        var detail: String
        var description: String { "not a deflated history entry (\(detail))" }
    }

    static func pack(_ json: Data) throws -> Data {
        var packed = Data()
        _ = try Data.compress(size: Int64(json.count), bufferSize: 16 << 10, provider: { position, size in
            json.subdata(in: Int(position)..<Int(position) + size)
        }, consumer: { packed.append($0) })
        return packed
    }

    static func unpack(_ packed: Data) throws(Malformed) -> Data {
        var json = Data()
        do {
            _ = try Data.decompress(size: Int64(packed.count), bufferSize: 16 << 10, skipCRC32: true, provider: { position, size in
                packed.subdata(in: Int(position)..<min(packed.count, Int(position) + size))
            }, consumer: { json.append($0) })
        } catch {
            throw Malformed(detail: "\(error)")
        }
        return json
    }
}
