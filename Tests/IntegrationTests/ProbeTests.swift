import Foundation
import Testing
import TestSupport

/// `personactl check-config --probe` through the real binary: each source tried once against a
/// loopback server and real files, with its credentials; nothing is written.
@Suite struct ProbeTests {
    @Test func eachSourceIsTriedOnceAndTheFailuresSayWhatToFix() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/feed.xml", xml: """
            <?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <item><guid>a</guid><title>a</title><pubDate>Mon, 01 Jun 2026 10:00:00 GMT</pubDate></item>
            <item><guid>b</guid><title>b</title><pubDate>Sun, 31 May 2026 10:00:00 GMT</pubDate></item>
            </channel></rss>
            """)
        let token = "probe-token-5e4d3c2b1a"
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "acct": "ana"}"#, authorization: "Bearer \(token)")
        let directory = try TemporaryDirectory("probe")
        defer { directory.remove() }
        try XArchiveFixture.write(at: directory.file("x.zip"), count: 12)
        let tokenFile = try directory.write("token", token)
        chmod(tokenFile, 0o600)
        let config = try directory.write("personad.toml", TOMLConfig(daemon: [("state_directory", "\(directory.path)/state")])
            .persona("ana-blog", network: "blog", handle: "ana", sources: [("kind", "feed"), ("url", "\(server.url("/feed.xml"))")])
            .persona("ana-gone", network: "blog", handle: "ana", sources: [("kind", "feed"), ("url", "\(server.url("/gone.xml"))")])
            .persona("ana-x", network: "x", handle: "ana", sources: [("kind", "export"), ("path", "x.zip")])
            .persona("ana-old", network: "x", handle: "ana", sources: [("kind", "export"), ("path", "missing.zip")])
            .persona("ana-mastodon", network: "mastodon", handle: "ana",
                     sources: [("kind", "api"), ("url", "\(server.base)"), ("token_file", "token")])
            .persona("ana-anon", network: "mastodon", handle: "ana", sources: [("kind", "api"), ("url", "\(server.base)")])
            .description)

        let (status, output) = try await DaemonProcess.run(["check-config", config, "--probe"], executable: "personactl")
        #expect(status == 1, "a source failed: \(output)")
        func line(_ persona: String) -> String { output.split(separator: "\n").first { $0.hasPrefix(persona + " ") }.map(String.init) ?? "" }
        #expect(line("ana-blog").contains("ok: HTTP 200") && line("ana-blog").contains("2 posts"), "\(output)")
        #expect(line("ana-gone").contains("FAILED: HTTP 404"), "\(output)")
        #expect(line("ana-x").contains("ok: read 12 posts from x.zip"), "\(output)")
        #expect(line("ana-old").contains("FAILED:") && line("ana-old").contains("missing.zip"), "\(output)")
        #expect(line("ana-mastodon").contains("ok: HTTP 200"), "the token was sent: \(output)")
        #expect(line("ana-anon").contains("FAILED: HTTP 401") && line("ana-anon").contains("token_file or credential"), "\(output)")
        #expect(!output.contains(token))
        #expect(server.requests("/feed.xml").count == 1)
        #expect(!FileManager.default.fileExists(atPath: directory.file("state")), "check-config wrote nothing")

        let (_, json) = try await DaemonProcess.run(["check-config", config, "--probe", "--json"], executable: "personactl")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let probe = try #require(object["probe"] as? [[String: Any]])
        #expect(probe.count == 6 && probe.filter { $0["ok"] as? Bool == true }.count == 3, "\(json)")
    }
}
