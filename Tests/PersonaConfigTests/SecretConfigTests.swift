import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaConfig

/// `token_file` and `credential`: read at load, checked before use, and never shown as text.
@Suite final class SecretConfigTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory("secrets") }
    deinit { directory.remove() }

    static let token = "mstdn-secret-9d8c7b6a5f4e3d2c"

    func config(network: String = "mastodon", kind: String = "api", _ keys: TOMLConfig.Keys) throws -> String {
        try directory.write("etc/personad.toml", TOMLConfig(daemon: [("state_directory", "state")])
            .persona("ana", network: network, handle: "ana@social.example", sources: [("kind", .string(kind))] + keys).description)
    }

    func failure(_ path: String, environment: [String: String] = [:]) -> String {
        do {
            _ = try ConfigLoader.load(path: path, environment: environment)
            return "loaded"
        } catch {
            return "\(error)"
        }
    }

    @Test func aTokenFileIsReadRelativeToTheConfigAndNeverPrinted() throws {
        let file = try directory.write("etc/tokens/mastodon", Self.token + "\n")
        chmod(file, 0o600)
        let configuration = try ConfigLoader.load(path: try config([("token_file", "tokens/mastodon")]))
        let secret = try #require(configuration.personas.first?.sources.first?.secret)
        #expect(secret.reveal() == Self.token)
        #expect(secret.origin == "token_file \(file)")
        // However the configuration is turned into text, the token is not in it.
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in ["\(configuration)", String(reflecting: configuration), dumped, "\(secret)"] {
            #expect(!text.contains(Self.token) && !text.isEmpty)
        }
    }

    @Test func aCredentialIsReadFromTheCredentialsDirectory() throws {
        try directory.write("credentials/mastodon", Self.token)
        let path = try config([("credential", "mastodon")])
        let configuration = try ConfigLoader.load(path: path, environment: ["CREDENTIALS_DIRECTORY": directory.file("credentials")])
        #expect(configuration.personas.first?.sources.first?.secret?.reveal() == Self.token)
        #expect(configuration.personas.first?.sources.first?.secret?.origin == "credential mastodon")
        // Outside systemd there is no credentials directory: said, with what to do instead.
        #expect(failure(path).contains("credential 'mastodon': $CREDENTIALS_DIRECTORY is not set"), "\(failure(path))")
    }

    @Test func badSecretsAreRefusedNamingTheFileNeverTheContent() throws {
        let open = try directory.write("etc/open.token", Self.token)
        chmod(open, 0o644)
        let openError = failure(try config([("token_file", "open.token")]))
        #expect(openError.contains("open.token is readable by every user"), "\(openError)")

        let missing = failure(try config([("token_file", "nothing-here")]))
        #expect(missing.contains("persona[1].source[1].token_file") && missing.contains("cannot read"), "\(missing)")

        let empty = try directory.write("etc/empty.token", "\n")
        chmod(empty, 0o600)
        #expect(failure(try config([("token_file", "empty.token")])).contains("empty.token is empty"))

        let both = failure(try config([("token_file", "empty.token"), ("credential", "x")]))
        #expect(both.contains("either 'token_file' or 'credential', not both"), "\(both)")

        #expect(failure(try config([("credential", "../etc/passwd")]), environment: ["CREDENTIALS_DIRECTORY": "/tmp"])
            .contains("is not a credential name"))

        let feed = failure(try config(network: "blog", kind: "feed", [("url", "https://blog.example.org/feed.xml"), ("token_file", "empty.token")]))
        #expect(feed.contains("a Blog feed source takes no secret (only Mastodon 'api' and Reddit 'api' sources do)"), "\(feed)")

        // Reddit's form is checked, and the message quotes none of it.
        let half = try directory.write("etc/reddit", "only-an-id-\(Self.token)")
        chmod(half, 0o600)
        let reddit = failure(try config(network: "reddit", kind: "api", [("token_file", "reddit")]))
        #expect(reddit.contains("must hold CLIENT_ID:CLIENT_SECRET") && !reddit.contains(Self.token), "\(reddit)")
        for message in [openError, missing, both, reddit] { #expect(!message.contains(Self.token)) }
    }
}
