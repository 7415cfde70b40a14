import Foundation
import Testing
@testable import PersonaConfig

/// Table headers that abort the TOML parser (toml++'s assertion, found by `Fuzz/run config`) are
/// configuration errors naming their line; every header the parser reads well still passes.
@Suite struct TOMLHeaderGuardTests {
    func parse(_ text: String) throws(ConfigError) -> Configuration {
        try ConfigLoader.parse(text, file: "/etc/personad/personad.toml", readSecrets: false)
    }

    @Test(arguments: [
        ("[[# url = \"https://www.reddit.com\"\n", 1),
        ("[daemon]\ninterval = \"1h\"\n\n[ # note ]\n", 4),
        ("[[persona]]\nid = \"a\"\n[[\t#\n", 3),
        // The crash the fuzzer found: a sample's commented key pasted after `[[`.
        ("# A sample `reddit` persona\n[[# url = \"https://www.reddit.com\"  # the default\n interval = \"1h\"\n[[persona]]\nid = \"ana\"\n", 2),
    ])
    func aHeaderWithoutANameIsAnErrorAtItsLine(text: String, line: Int) {
        let error = #expect(throws: ConfigError.self) { try parse(text) }
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.description.contains("a table header must start with its name, saw '#'") == true)
    }

    /// The guard reads bytes: a header starting with a non-ASCII letter is named whole, and lines
    /// are counted through multi-line strings, comments and CRLF line ends.
    @Test func aNonASCIIStartIsNamedAndLinesAreCountedThroughStrings() {
        let text = "[daemon]\r\n# caf\u{e9} [# in a comment]\r\nstate_directory = \"\"\"\n[# inside\n\"\"\"\r\n[\u{e9}t\u{e9}]\r\n"
        let error = #expect(throws: ConfigError.self) { try parse(text) }
        #expect(error?.line == 6, "\(String(describing: error))")
        #expect(error?.description.contains("saw '\\u{00E9}'") == true, "\(String(describing: error))")
    }

    @Test func headersStringsAndArraysThatLookLikeThemStillParse() throws {
        let text = """
            [daemon]   # the daemon's own settings
            state_directory = "/var/lib/personad"
            [ scoring ]
            window = "90d"
            [[persona]]
            id = "a-b"
            network = "blog"
            handle = "[# not a header ]"
              [[ persona.source ]]
              kind = "feed"
              url = 'https://blog.example.org/[#]'
            [["persona"]]
            id = "quoted"
            network = "blog"
            handle = \"\"\"
            [# inside a multi-line string
            \"\"\"
              [[persona.source]]
              kind = "feed"
              url = "https://quoted.example.org/feed"
            """
        let configuration = try parse(text)
        #expect(configuration.personas.map(\.id.rawValue) == ["a-b", "quoted"])
        #expect(configuration.personas[0].handle == "[# not a header ]")
    }
}
