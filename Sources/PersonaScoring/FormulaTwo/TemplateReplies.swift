import Foundation

/// Near-duplicate replies: a template sent to many people is one answer.
///
/// Two replies are the same template when their word pairs overlap by at least half (Jaccard of
/// word bigrams ≥ 0.5), so "Hi Sam, sorry for the trouble, please DM us your order number" and the
/// same text to Alex are one, while "thanks for the kind words" and "thanks for the link" are two.
/// Replies of one or two words ("thanks!", "great point") are the same template when their words
/// are the same. Mentions, links and numbers are left out before comparing. An empty text (a
/// source that keeps none) is never a template: nothing can be said about it.
///
/// Candidates are found by MinHash banding (12 hashes, 6 bands of 2) and confirmed by the exact
/// Jaccard, so the cost stays near linear in the number of replies.
enum TemplateReplies {
    static let threshold = 0.5
    static let hashes = 12
    static let rows = 2

    /// A group number per text; texts in the same group are one template.
    static func groups(_ texts: [String]) -> [Int] {
        var parent = Array(texts.indices)
        func find(_ index: Int) -> Int {
            var index = index
            while parent[index] != index {
                parent[index] = parent[parent[index]]
                index = parent[index]
            }
            return index
        }
        func union(_ a: Int, _ b: Int) {
            let (ra, rb) = (find(a), find(b))
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }

        let words = texts.map(Self.words)
        var short: [UInt64: Int] = [:]
        var shingles: [Set<UInt64>] = Array(repeating: [], count: texts.count)
        var buckets: [UInt64: [Int]] = [:]
        for (index, tokens) in words.enumerated() where !tokens.isEmpty {
            if tokens.count < 3 {
                let key = tokens.reduce(UInt64(tokens.count)) { mix($0 ^ $1) }
                if let first = short[key] { union(first, index) } else { short[key] = index }
                continue
            }
            let pairs = Set(zip(tokens, tokens.dropFirst()).map { mix($0 &* 0x0000_0100_0000_01B3 ^ $1) })
            shingles[index] = pairs
            var signature = [UInt64](repeating: .max, count: hashes)
            for pair in pairs {
                for k in 0..<hashes { signature[k] = min(signature[k], mix(pair &+ UInt64(k) &* 0x9E37_79B9_7F4A_7C15)) }
            }
            for band in 0..<(hashes / rows) {
                var key = UInt64(band) &* 0xD6E8_FEB8_6659_FD93
                for row in 0..<rows { key = mix(key ^ signature[band * rows + row]) }
                buckets[key, default: []].append(index)
            }
        }
        // Each member is checked against the few before it in its bucket (a bounded cost per reply).
        for (_, members) in buckets.sorted(by: { $0.key < $1.key }) where members.count > 1 {
            for position in 1..<members.count {
                let index = members[position]
                for earlier in members[max(0, position - 8)..<position] where find(earlier) != find(index) {
                    if jaccard(shingles[earlier], shingles[index]) >= threshold {
                        union(earlier, index)
                        break
                    }
                }
            }
        }
        return texts.indices.map(find)
    }

    /// The words of a text as stable hashes: ASCII letters lower-cased, any non-ASCII byte kept
    /// as part of a word (so accented and non-Latin words stay words), everything else a
    /// separator; mentions (`@…`), links (`…://…`, `www.…`) and numbers left out. Works on the
    /// UTF-8 bytes: no `String` per word.
    static func words(_ text: String) -> [UInt64] {
        var result: [UInt64] = []
        var utf8 = Array(text.utf8)
        utf8.append(0x20)
        var start = 0
        for end in utf8.indices where utf8[end] == 0x20 || utf8[end] == 0x0A || utf8[end] == 0x09 || utf8[end] == 0x0D {
            defer { start = end + 1 }
            guard end > start else { continue }
            let token = utf8[start..<end]
            if token.first == UInt8(ascii: "@") || contains(token, "://") || starts(token, "www.") { continue }
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            var letters = 0
            for byte in token {
                var byte = byte
                if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
                if (byte >= 0x61 && byte <= 0x7A) || byte >= 0x80 {
                    hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                    letters += 1
                } else if letters > 0 {
                    result.append(hash)
                    hash = 0xCBF2_9CE4_8422_2325
                    letters = 0
                }
            }
            if letters > 0 { result.append(hash) }
        }
        return result
    }

    static func contains(_ token: ArraySlice<UInt8>, _ needle: StaticString) -> Bool {
        let pattern = Array(UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount))
        guard token.count >= pattern.count else { return false }
        var index = token.startIndex
        while index + pattern.count <= token.endIndex {
            if token[index..<(index + pattern.count)].elementsEqual(pattern) { return true }
            index += 1
        }
        return false
    }

    static func starts(_ token: ArraySlice<UInt8>, _ prefix: StaticString) -> Bool {
        let pattern = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        return token.count >= pattern.count && token.prefix(pattern.count).elementsEqual(pattern)
    }

    static func jaccard(_ a: Set<UInt64>, _ b: Set<UInt64>) -> Double {
        let union = a.union(b).count
        return union == 0 ? 0 : Double(a.intersection(b).count) / Double(union)
    }

    /// SplitMix64's finaliser: a cheap, well-spread hash of a 64-bit value.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
