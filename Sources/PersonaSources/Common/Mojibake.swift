/// Meta's exports (Facebook, Instagram) write every string's UTF-8 bytes as `\u00XX` escapes, so
/// that 🙄 arrives as `ð\u009f\u0099\u0084`. The repair is exact: only a string whose every scalar
/// is ≤ U+00FF *and* whose bytes decode as UTF-8 is re-read; anything else is kept as it is.
enum Mojibake {
    static func repair(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.contains(where: { $0.value >= 0x80 }), scalars.allSatisfy({ $0.value <= 0xFF }) else { return text }
        return String(validatingUTF8Bytes: scalars.map { UInt8($0.value) }) ?? text
    }
}
