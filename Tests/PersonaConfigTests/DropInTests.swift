import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaConfig

/// `conf.d/*.toml` beside the main file: personas added in name order, each file checked as the
/// main one, and a persona id defined twice named in both places.
@Suite final class DropInTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory("conf-d") }
    deinit { directory.remove() }

    static let main = TOMLConfig(daemon: [("state_directory", "state")], scoring: [("window", "90d")])
        .persona("ana-blog", network: "blog", handle: "ana", sources: [("kind", "feed"), ("path", "feeds/blog.xml")]).description

    func persona(_ id: String, window: String? = nil) -> String {
        TOMLConfig().persona(id, network: "x", handle: "ana", keys: window.map { [("window", .string($0))] } ?? [],
                             sources: [("kind", "export"), ("path", "exports/\(id).zip")]).personasOnly.description
    }

    /// The 1-based line of `needle` in `text`.
    func line(of needle: String, in text: String) -> Int? {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) }.map { $0 + 1 }
    }

    @Test func dropInsAddPersonasInNameOrderWithTheirOwnWindowAndPaths() throws {
        let main = try directory.write("etc/personad.toml", Self.main)
        try directory.write("etc/conf.d/20-work.toml", persona("work-x"))
        try directory.write("etc/conf.d/10-home.toml", persona("home-x", window: "30d"))
        try directory.write("etc/conf.d/notes.txt", "not a drop-in")
        try directory.write("etc/conf.d/.hidden.toml", "this would not parse [[[")
        let configuration = try ConfigLoader.load(path: main)
        #expect(configuration.personas.map(\.id.rawValue) == ["ana-blog", "home-x", "work-x"])
        #expect(configuration.dropIns.map { ($0 as NSString).lastPathComponent } == ["10-home.toml", "20-work.toml"])
        let home = try #require(configuration.personas.first { $0.id.rawValue == "home-x" })
        #expect(configuration.window(for: home) == 30 * 86400)
        #expect(configuration.window(for: configuration.personas[0]) == 90 * 86400)
        // A drop-in's relative paths are relative to the drop-in's own directory.
        #expect(home.sources.first?.path == directory.file("etc/conf.d/exports/home-x.zip"))
        #expect(configuration.personas[0].sources.first?.path == directory.file("etc/feeds/blog.xml"))
        #expect(home.file.hasSuffix("conf.d/10-home.toml") && home.line == 2) // the line of its id
    }

    @Test func aPersonaDefinedTwiceNamesBothFiles() throws {
        let main = try directory.write("dup/personad.toml", Self.main)
        try directory.write("dup/conf.d/50-again.toml", "# the blog again\n" + persona("ana-blog"))
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(path: main) }
        let text = "\(error.map { "\($0)" } ?? "")"
        let mainLine = try #require(line(of: #"id = "ana-blog""#, in: Self.main))
        #expect(text.hasPrefix(directory.file("dup/conf.d/50-again.toml") + ":3: persona.id: 'ana-blog'"), "\(text)")
        #expect(text.contains("already defined in \(directory.file("dup/personad.toml")):\(mainLine)"), "\(text)")
    }

    @Test func aDropInHoldsPersonasOnly() throws {
        let main = try directory.write("only/personad.toml", Self.main)
        try directory.write("only/conf.d/00-daemon.toml", "[daemon]\ninterval = \"5m\"\n")
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(path: main) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("a drop-in holds [[persona]] tables; [daemon] and [scoring] belong in the main file"))
        // Checked like the main file: a bad window is named with its line.
        try directory.write("only/conf.d/00-daemon.toml", persona("bad-x", window: "fortnight"))
        let window = #expect(throws: ConfigError.self) { try ConfigLoader.load(path: main) }
        #expect(window?.line == line(of: "window", in: persona("bad-x", window: "fortnight")) && window?.file.hasSuffix("00-daemon.toml") == true && "\(window.map { "\($0)" } ?? "")".contains("is not a duration"))
    }
}
