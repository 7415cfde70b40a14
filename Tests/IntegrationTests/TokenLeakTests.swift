import Foundation
import Testing
import TestSupport

/// Real secrets in place, through the real binaries: a Mastodon token in a `token_file`, Reddit app
/// credentials as a systemd credential (`$CREDENTIALS_DIRECTORY`), and a token the server refuses
/// while quoting it back. None of them may appear in the logs (at trace level), the snapshots, the
/// index, `personad.prom`, the store, or anything personactl prints.
@Suite struct TokenLeakTests {
    static let mastodonToken = "leaktest-mastodon-4c1d9e8f7a6b5c3d"
    static let refusedToken = "leaktest-refused-0a9b8c7d6e5f4a3b"
    static let redditClient = "leaktest-client-id"
    static let redditSecret = "leaktest-client-secret-77e1d2c3b4a5"
    static let redditAccess = "leaktest-access-1f2e3d4c5b6a7980"
    static var secrets: [String] { [mastodonToken, refusedToken, redditSecret, redditAccess] }

    static func status(_ id: String, days: Double) -> String {
        let formatter = ISO8601DateFormatter()
        let date = formatter.string(from: Date().addingTimeInterval(-days * 86400))
        return #"{"id": "\#(id)", "uri": "https://social.example/users/ana/statuses/\#(id)", "created_at": "\#(date)", "in_reply_to_id": null, "in_reply_to_account_id": null, "replies_count": 1, "reblogs_count": 2, "favourites_count": 3, "content": "<p>post \#(id)</p>", "account": {"id": "109", "acct": "ana", "followers_count": 10}}"#
    }

    @Test func noTokenReachesLogsSnapshotsMetricsStoreOrPersonactl() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        let bearer = "Bearer \(Self.mastodonToken)"
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "username": "ana", "acct": "ana", "followers_count": 10}"#, authorization: bearer)
        server.set("/api/v1/notifications?types[]=mention&limit=40", json: "[]", authorization: bearer)
        server.set("/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true",
                   json: "[" + (1...3).map { Self.status("10\($0)", days: Double($0)) }.joined(separator: ",") + "]", authorization: bearer)
        server.set("/api/v1/statuses/101/favourited_by?limit=80", json: #"[{"id": "7", "acct": "bob"}]"#, authorization: bearer)
        let basic = "Basic " + Data("\(Self.redditClient):\(Self.redditSecret)".utf8).base64EncodedString()
        server.set("/api/v1/access_token", FixtureServer.Reply(
            headers: ["Content-Type": "application/json"],
            body: Data(#"{"access_token": "\#(Self.redditAccess)", "token_type": "bearer", "expires_in": 3600}"#.utf8), validators: false, authorization: basic))
        let listing = #"{"kind": "Listing", "data": {"after": null, "children": [{"kind": "t3", "data": {"id": "p1", "created_utc": \#(Date().timeIntervalSince1970 - 86400), "title": "t", "subreddit": "swift", "permalink": "/r/swift/comments/p1/x/", "score": 5, "num_comments": 1, "num_crossposts": 0}}]}}"#
        server.set("/user/ana/submitted.json?limit=100&raw_json=1", json: listing, authorization: "Bearer \(Self.redditAccess)")
        server.set("/user/ana/comments.json?limit=100&raw_json=1", json: #"{"kind": "Listing", "data": {"after": null, "children": []}}"#,
                   authorization: "Bearer \(Self.redditAccess)")

        let directory = try TemporaryDirectory("token-leak")
        defer { directory.remove() }
        let tokenFile = try directory.write("etc/mastodon.token", Self.mastodonToken + "\n")
        let refusedFile = try directory.write("etc/refused.token", Self.refusedToken)
        chmod(tokenFile, 0o600)
        chmod(refusedFile, 0o600)
        try directory.write("credentials/reddit", "\(Self.redditClient):\(Self.redditSecret)\n")
        let environment = ["CREDENTIALS_DIRECTORY": directory.file("credentials")]
        // The refused persona's instance is a second path on the same server: its lookup wants another token.
        let refusedBase = server.url("/refused")
        server.set("/refused/api/v1/accounts/lookup?acct=ana", json: "{}", authorization: "Bearer something-else")
        let config = try directory.write("etc/personad.toml", TOMLConfig(daemon: [("state_directory", "\(directory.path)/state")])
            .persona("ana-mastodon", network: "mastodon", handle: "ana",
                     sources: [("kind", "api"), ("url", "\(server.base)"), ("engagers", 1), ("token_file", "mastodon.token")])
            .persona("ana-reddit", network: "reddit", handle: "ana", sources: [("kind", "api"), ("url", "\(server.base)"), ("credential", "reddit")])
            .persona("ana-refused", network: "mastodon", handle: "ana", sources: [("kind", "api"), ("url", "\(refusedBase)"), ("token_file", "refused.token")])
            .description)

        var outputs: [(String, String)] = []
        let (status, log) = try await DaemonProcess.run(["--config", config, "--once", "--log-level", "trace"], environment: environment)
        outputs.append(("personad --once", log))
        #expect(status == 1, "the refused source fails: \(log)")
        #expect(log.contains("ana-refused") && log.contains("401"), "\(log)")

        // The tokens were really in use: the server saw each one where it belongs.
        #expect(server.requests("/api/v1/accounts/109/statuses").contains { $0.authorization == bearer && $0.status == 200 })
        #expect(server.requests("/api/v1/access_token").contains { $0.authorization == basic && $0.status == 200 })
        #expect(server.requests("/user/ana/submitted.json").contains { $0.authorization == "Bearer \(Self.redditAccess)" && $0.status == 200 })
        #expect(server.requests("/refused/").contains { $0.authorization == "Bearer \(Self.refusedToken)" && $0.status == 401 })

        var commands: [[String]] = [["status"], ["status", "--json"], ["report", "--html", "-"]]
        for persona in ["ana-mastodon", "ana-reddit", "ana-refused"] {
            commands += [["show", persona], ["show", persona, "--json"], ["explain", persona, "--posts"], ["explain", persona, "--json"],
                         ["history", persona], ["history", persona, "--json"]]
        }
        for command in commands {
            let (_, output) = try await DaemonProcess.run(["--config", config] + command, executable: "personactl")
            outputs.append(("personactl " + command.joined(separator: " "), output))
        }
        for command in [["check-config", config], ["check-config", config, "--json"]] {
            let (checkStatus, output) = try await DaemonProcess.run(command, executable: "personactl", environment: environment)
            #expect(checkStatus == 0, "\(output)")
            outputs.append(("personactl " + command.joined(separator: " "), output))
        }
        #expect(outputs.first { $0.0 == "personactl status" }?.1.contains("ana-refused") == true)

        // Every file the daemon wrote: snapshots, index, metrics, and the store with its WAL.
        let state = directory.file("state")
        let files = try #require(FileManager.default.subpathsOfDirectory(atPath: state) as [String]?)
        #expect(files.contains("personad.prom") && files.contains("snapshots/ana-reddit.json") && files.contains("personad.sqlite"), "\(files)")
        for file in files {
            guard let data = FileManager.default.contents(atPath: (state as NSString).appendingPathComponent(file)) else { continue }
            outputs.append((file, String(decoding: data, as: UTF8.self)))
        }
        var checked = 0
        for (name, text) in outputs {
            for secret in Self.secrets {
                checked += 1
                // A Bool, so that a failure names the file without printing the secret into CI's log.
                let leaked = text.contains(secret)
                #expect(!leaked, "\(name) holds a secret")
            }
        }
        #expect(checked == outputs.count * Self.secrets.count && outputs.count > 30)
    }
}
