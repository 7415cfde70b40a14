import Foundation

/// Turns a `JSONSerialization` failure into words that say where the input broke.
enum JSONErrors {
    static func describe(_ error: any Error, in data: Data) -> String {
        let nsError = error as NSError
        let debug = (nsError.userInfo[NSDebugDescriptionErrorKey] as? String) ?? nsError.localizedDescription
        // Foundation reports "… around line L, column C" or "… at character N"; keep what it says.
        if debug.contains("line") { return debug }
        if let range = debug.range(of: "character "), let offset = Int(debug[range.upperBound...].prefix { $0.isNumber }) {
            let line = data.prefix(offset).reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            return "\(debug) (line \(line))"
        }
        return debug
    }
}
