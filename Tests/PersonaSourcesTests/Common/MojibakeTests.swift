import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaSources
import PersonaUtilities

@Suite struct MojibakeTests {
    @Test func repairsOnlyWhatIsExactlyMojibake() {
        #expect(Mojibake.repair("\u{f0}\u{9f}\u{99}\u{84}") == "\u{1F644}")
        #expect(Mojibake.repair("Caf\u{c3}\u{a9}") == "Caf\u{e9}")
        #expect(Mojibake.repair("Caf\u{e9}") == "Caf\u{e9}") // Latin-1 that is not UTF-8 bytes: kept
        #expect(Mojibake.repair("plain") == "plain")
        #expect(Mojibake.repair("\u{e9}t\u{e9} \u{1F600}") == "\u{e9}t\u{e9} \u{1F600}") // a scalar above U+00FF: kept
    }
}
