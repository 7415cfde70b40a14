import Foundation
import PersonaModel
import Testing
@testable import PersonaConfig

@Suite struct ConfigLoaderTests {
    let file = "/etc/personad/personad.toml"

    func parse(_ text: String, environment: [String: String] = [:]) throws(ConfigError) -> Configuration {
        try ConfigLoader.parse(text, file: file, environment: environment)
    }

    @Test func fullExampleWithDefaultsAndRelativePaths() throws {
        let configuration = try parse("""
            [daemon]
            interval = "30m"
            jitter = 0       # an integer where a number is expected is fine

            [[persona]]
            id = "ana-x"
            network = "x"
            handle = "ana"
              [[persona.source]]
              kind = "export"
              path = "exports/x.zip"
              interval = "6h"

            [[persona]]
            id = "ana-blog"
            network = "blog"
            handle = "ana"
              [[persona.source]]
              kind = "feed"
              url = "https://user:secret@blog.example.org/feed.xml"
              timeout = "20s"
            """, environment: ["STATE_DIRECTORY": "/var/lib/personad", "RUNTIME_DIRECTORY": "/run/personad"])
        #expect(configuration.stateDirectory == "/var/lib/personad")
        #expect(configuration.snapshotDirectory == "/var/lib/personad/snapshots")
        #expect(configuration.pidFile == "/run/personad/personad.pid")
        #expect(configuration.interval == 1800)
        #expect(configuration.jitter == 0)
        #expect(configuration.window == Double(90 * 86400))
        #expect(configuration.personas.map(\.id.rawValue) == ["ana-x", "ana-blog"])
        let export = configuration.personas[0].sources[0]
        #expect(export.path == "/etc/personad/exports/x.zip")
        #expect(export.interval == Double(6 * 3600))
        let feed = configuration.personas[1].sources[0]
        #expect(feed.timeout == 20)
        #expect(feed.location == "https://blog.example.org/feed.xml") // credentials never shown
        #expect(feed.url?.contains("secret") == true)
    }

    @Test func defaultsWithoutSystemd() throws {
        let configuration = try parse("")
        #expect(configuration.stateDirectory == "/var/lib/personad")
        #expect(configuration.pidFile == "/var/lib/personad/personad.pid")
        #expect(configuration.personas.isEmpty)
    }

    @Test func historyRetentionHasDefaultsAndIsChecked() throws {
        let defaults = try parse("")
        #expect(defaults.historyFull == 14 * 86400 && defaults.historyDaily == 730 * 86400)
        let set = try parse("[daemon]\nhistory_full = \"30d\"\nhistory_daily = \"365d\"\n")
        #expect(set.historyFull == 30 * 86400 && set.historyDaily == 365 * 86400)
        #expect(throws: ConfigError.self) { try parse("[daemon]\nhistory_full = \"30d\"\nhistory_daily = \"7d\"\n") }
        do {
            _ = try parse("[daemon]\nhistory_full = \"30d\"\nhistory_daily = \"7d\"\n")
        } catch {
            #expect("\(error)".contains("daemon.history_daily: must not be shorter than history_full (30d)"), "\(error)")
        }
    }

    @Test func localFeedPathBecomesAFileURL() throws {
        let configuration = try parse("""
            [[persona]]
            id = "b"
            network = "blog"
            handle = "b"
            [[persona.source]]
            kind = "feed"
            path = "feeds/a.xml"
            """)
        #expect(configuration.personas[0].sources[0].url == "file:///etc/personad/feeds/a.xml")
    }

    func error(_ text: String) -> ConfigError? {
        #expect(throws: ConfigError.self) { try parse(text) }
    }

    @Test func errorsNameLineAndKey() {
        let persona = """
            [daemon]
            interval = "5m"

            [[persona]]
            id = "a"
            network = "x"
            handle = "a"
              [[persona.source]]
              kind = "export"
              path = "a.zip"

            [[persona]]
            id = "b"
            network = "x"
            handle = "b"
              [[persona.source]]
              kind = "export"
              path = "b.zip"
              interval = "soon"
            """
        let bad = error(persona)
        #expect(bad?.line == 19)
        #expect(bad?.key == "persona[2].source[1].interval")
        #expect(bad?.description.hasPrefix("/etc/personad/personad.toml:19: persona[2].source[1].interval:") == true)

        let duplicate = error(persona.replacingOccurrences(of: "id = \"b\"", with: "id = \"a\"").replacingOccurrences(of: "\"soon\"", with: "\"1h\""))
        #expect(duplicate?.line == 13)
        #expect(duplicate?.description.contains("unique") == true)
        // A file saved with Windows line ends names the same lines.
        let crlf = persona.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(error(crlf)?.line == 19)
        let crlfDuplicate = error(crlf.replacingOccurrences(of: "id = \"b\"", with: "id = \"a\"").replacingOccurrences(of: "\"soon\"", with: "\"1h\""))
        #expect(crlfDuplicate?.line == 13)

        #expect(error("[daemon]\njitter = 2\n")?.line == 2)
        #expect(error("[daemon]\ninterval = \"99999999999999999999d\"\n")?.description.contains("longer than the maximum") == true)
        #expect(error("[daemon]\ninterval = \"1s\"\n")?.description.contains("shorter than the minimum of 10s") == true)
        #expect(error("[daemon]\nunknown = 1\n")?.key == "daemon.unknown")
        #expect(error("[[persona]]\nid = \"Bad Id\"\nnetwork = \"x\"\nhandle = \"h\"\n")?.line == 2)
        #expect(error("[[persona]]\nid = \"ok\"\nnetwork = \"myspace\"\nhandle = \"h\"\n")?.description.contains("unknown network") == true)
        #expect(error("[[persona]]\nid = \"ok\"\nnetwork = \"x\"\nhandle = \"h\"\n")?.description.contains("no [[persona.source]]") == true)
        #expect(error("[[persona]]\nid = \"ok\"\nnetwork = \"x\"\nhandle = \"h\"\n[[persona.source]]\nkind = \"feed\"\nurl = \"https://a.example\"\n")?.description.contains("no reader for x feed") == true)
        #expect(error("[[persona]]\nid = \"ok\"\nnetwork = \"blog\"\nhandle = \"h\"\n[[persona.source]]\nkind = \"feed\"\nurl = \"ftp://a.example/f\"\n")?.line == 7)
        let syntax = error("[daemon]\ninterval = \"5m\n")
        #expect(syntax?.line == 2)
        #expect(syntax?.description.contains("TOML syntax") == true)
    }

    @Test func durations() {
        #expect(Durations.parse("90s") == 90)
        #expect(Durations.parse("1h30m") == 5400)
        #expect(Durations.parse("90d") == Double(90 * 86400))
        #expect(Durations.parse("45") == 45)
        #expect(Durations.parse("5 minutes") == nil)
        #expect(Durations.parse("m") == nil)
        #expect(Durations.parse("5") == 5)
        #expect(Durations.format(5400) == "1h30m")
    }
}

@Suite struct ShippedConfigurationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: ["Config/demo.toml", "Config/personad.example.toml"])
    func shippedFilesAreValid(_ name: String) throws {
        let configuration = try ConfigLoader.load(path: Self.root.appendingPathComponent(name).path, environment: [:])
        #expect(!configuration.personas.isEmpty)
    }
}

@Suite struct SourceURLDefaultTests {
    func source(network: String, handle: String, kind: String = "api", url: String? = nil, extra: String = "") throws -> SourceConfiguration {
        try ConfigLoader.parse("""
            [[persona]]
            id = "p"
            network = "\(network)"
            handle = "\(handle)"
              [[persona.source]]
              kind = "\(kind)"
            \(url.map { "  url = \"\($0)\"" } ?? "")
              \(extra)
            """, file: "/etc/personad/personad.toml").personas[0].sources[0]
    }

    @Test func defaultsComeFromTheReaders() throws {
        #expect(try source(network: "bluesky", handle: "ana.bsky.social").url == "https://public.api.bsky.app")
        #expect(try source(network: "reddit", handle: "ana").url == "https://www.reddit.com")
        #expect(try source(network: "mastodon", handle: "ana@social.example").url == "https://social.example")
        #expect(try source(network: "mastodon", handle: "@ana@social.example").url == "https://social.example")
        #expect(try source(network: "youtube", handle: "UCabcdefghijklmnopqrstuv", kind: "feed").url
                == "https://www.youtube.com/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv")
        // A configured URL wins; a loopback http:// URL is accepted (tests and local mirrors).
        #expect(try source(network: "bluesky", handle: "a", url: "http://127.0.0.1:8080").url == "http://127.0.0.1:8080")
    }

    @Test func onlyMastodonAPISourcesLookUpEngagers() throws {
        #expect(try source(network: "mastodon", handle: "ana@social.example").engagers == ConfigLoader.defaultEngagers)
        #expect(try source(network: "bluesky", handle: "ana.bsky.social").engagers == ConfigLoader.defaultEngagers)
        #expect(try source(network: "reddit", handle: "ana").engagers == 0)
        func parse(_ network: String, _ handle: String, _ value: String) throws -> SourceConfiguration {
            try source(network: network, handle: handle, extra: "engagers = \(value)")
        }
        #expect(try parse("mastodon", "ana@social.example", "0").engagers == 0)
        #expect(try parse("mastodon", "ana@social.example", "5").engagers == 5)
        let wrongNetwork = #expect(throws: ConfigError.self) { try parse("reddit", "ana", "5") }
        #expect(wrongNetwork?.key == "persona[1].source[1].engagers")
        #expect(wrongNetwork?.description.contains("only a Mastodon 'api' or Bluesky 'api' source") == true)
        let tooMany = #expect(throws: ConfigError.self) { try parse("mastodon", "ana@social.example", "41") }
        #expect(tooMany?.description.contains("between 0 and 40") == true)
    }

    @Test func aBareMastodonNameNeedsAnInstance() {
        let error = #expect(throws: ConfigError.self) { try source(network: "mastodon", handle: "ana") }
        #expect(error?.description.contains("name@instance") == true)
    }

    @Test func engineLimits() throws {
        let configuration = try ConfigLoader.parse("[daemon]\nmax_connections = 20\nmax_per_host = 2\nmax_pages = 3\n", file: "/x.toml")
        #expect(configuration.maximumConnections == 20 && configuration.maximumPerHost == 2 && configuration.maximumPages == 3)
        #expect(throws: ConfigError.self) { try ConfigLoader.parse("[daemon]\nmax_per_host = 0\n", file: "/x.toml") }
        #expect(throws: ConfigError.self) { try ConfigLoader.parse("[daemon]\nmax_connections = 2.5\n", file: "/x.toml") }
    }
}

@Suite struct KeyLocatorTests {
    /// The one-pass table of persona id lines says what the general search says, with sources,
    /// comments, odd spacing and a persona whose id comes after its sources.
    @Test func personaIDLinesMatchTheGeneralSearch() {
        let text = """
            [daemon]
            state_directory = "/tmp/x"   # id = "not this"
            [[persona]]
            id = "a"
            network = "blog"
              [[persona.source]]
              kind = "feed"
              url = "https://a.example/feed"
            [[ persona ]]  # second
            network = "blog"
              id="b"
            [[persona]]
            network = "blog"
            [[persona.source]]
            id = "inside a source"
            [[persona]]
            \tid\t= "d"
            """
        let locator = KeyLocator(text: text)
        #expect(locator.personaIDLines == [4, 11, 12, 17])
        for index in 0..<4 {
            let path = KeyPath().appending("persona", index: index).appending("id")
            #expect(locator.line(of: path) == locator.scan(for: path), "persona \(index)")
        }
    }
}
