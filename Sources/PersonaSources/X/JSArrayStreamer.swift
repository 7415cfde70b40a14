import PersonaUtilities

/// Splits `window.YTD.<name>.partN = [ {…}, {…} ]`, fed in chunks of any size, into its top-level
/// array elements, without ever holding more than one element: the X archive's `tweets.js` can
/// be over a gigabyte.
///
/// It tracks only what it must to find an element's end: nesting depth, and whether it is inside a
/// string (where brackets do not count) or just after a backslash. No newline is assumed anywhere.
struct JSArrayStreamer {
    enum Failure: Error {
        case noArray
        case unexpected(UInt8, element: Int)
        case truncated(element: Int)
    }

    private enum Phase { case prefix, afterEquals, between, inElement, done }
    private var phase = Phase.prefix
    private var nesting = JSONNesting()
    private var pending: [UInt8] = []
    /// 1-based number of the element being read.
    private(set) var elements = 0
    /// Bytes seen before the `=` (a file with none is not a YTD data file).
    private var prefixBytes = 0

    /// Feeds one chunk; `element` receives each complete element's bytes (valid only during the call).
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ element: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        var index = 0
        let count = chunk.count
        var start = 0
        while index < count {
            let byte = chunk[index]
            switch phase {
            case .prefix:
                prefixBytes += 1
                if byte == UInt8(ascii: "=") { phase = .afterEquals } else if prefixBytes > 4096 { throw Failure.noArray }
            case .afterEquals:
                if byte == UInt8(ascii: "[") { phase = .between } else if !JSONCursor.isSpace(byte) { throw Failure.noArray }
            case .between:
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    phase = .inElement
                    nesting = JSONNesting(depth: 1)
                    elements += 1
                    start = index
                } else if byte == UInt8(ascii: "]") {
                    phase = .done
                } else if byte != UInt8(ascii: ","), !JSONCursor.isSpace(byte) {
                    throw Failure.unexpected(byte, element: elements + 1)
                }
            case .inElement:
                // The hot loop: run through the element's bytes until its closing bracket.
                guard let end = nesting.scan(chunk, from: index) else {
                    pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<count]))
                    return
                }
                index = end
                let whole = UnsafeBufferPointer(rebasing: chunk[start...index])
                if pending.isEmpty {
                    try element(whole, elements)
                } else {
                    pending.append(contentsOf: whole)
                    try pending.withUnsafeBufferPointer { try element($0, elements) }
                    pending.removeAll(keepingCapacity: true)
                }
                phase = .between
            case .done:
                if !JSONCursor.isSpace(byte), byte != UInt8(ascii: ";") { throw Failure.unexpected(byte, element: elements) }
            }
            index += 1
        }
        // An element that opened on this chunk's last byte continues in the next chunk.
        if phase == .inElement, start < count {
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<count]))
        }
    }

    /// Call after the last chunk: the array must have been closed.
    func finish() throws {
        switch phase {
        case .done: return
        case .prefix, .afterEquals: throw Failure.noArray
        case .between, .inElement: throw Failure.truncated(element: max(elements, 1))
        }
    }

}
