import Foundation
import PersonaModel
import PersonaStore
import Testing
import TestSupport
@testable import PersonaDaemon

/// Sources with secrets, through the real source refresh and libcurl against loopback servers that
/// refuse requests without the right credentials: a Mastodon access token (and its mentions) and
/// Reddit's app-only OAuth.
@Suite(.serialized) struct CredentialSourceTests {
    static let mastodonToken = "mstdn-token-7f3a9c1e5b2d4086"
    static let redditClient = "reddit-client-id"
    static let redditSecret = "reddit-client-secret-c0ffee4242"
    static let redditAccess = "reddit-access-token-a1b2c3d4e5"

    /// A private file holding `text`, as an operator would keep a token.
    static func secretFile(_ directory: TemporaryDirectory, _ name: String, _ text: String) throws -> String {
        let path = try directory.write(name, text + "\n")
        chmod(path, 0o600)
        return path
    }

    static func mention(_ id: String, by account: String, acct: String, replyToAccount: String?, days: Double) -> String {
        #"""
        {"id": "n\#(id)", "type": "mention", "created_at": "\#(daysAgo(days))", "account": {"id": "\#(account)", "acct": "\#(acct)"},
         "status": {"id": "\#(id)", "uri": "https://other.example/users/\#(acct)/statuses/\#(id)", "created_at": "\#(daysAgo(days))",
                    "in_reply_to_id": \#(replyToAccount == nil ? "null" : "\"1\""), "in_reply_to_account_id": \#(replyToAccount.map { "\"\($0)\"" } ?? "null"),
                    "content": "<p>@ana question</p>", "account": {"id": "\#(account)", "acct": "\#(acct)"}}}
        """#
    }

    @Test func aMastodonTokenIsSentOnEveryRequestAndMentionsBecomePeopleWhoAddressedThePersona() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        let bearer = "Bearer \(Self.mastodonToken)"
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "username": "ana", "acct": "ana", "followers_count": 3}"#, authorization: bearer)
        server.set("/api/v1/notifications?types[]=mention&limit=40", json: "[" + [
            Self.mention("501", by: "77", acct: "bob@other.example", replyToAccount: "55", days: 1),
            // A reply under the persona's own post: counted as a reply already, not again as a mention.
            Self.mention("502", by: "78", acct: "cy@other.example", replyToAccount: "109", days: 2),
        ].joined(separator: ",") + "]", authorization: bearer)
        server.set("/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true", json: "[" + [
            MastodonAPITests.status("107", days: 1, replies: 2, favourites: 3),
            MastodonAPITests.status("106", days: 1, replyTo: "501", replyAccount: "77"),
        ].joined(separator: ",") + "]", authorization: bearer)
        let directory = try TemporaryDirectory("mastodon-token")
        defer { directory.remove() }
        let tokenFile = try Self.secretFile(directory, "mastodon.token", Self.mastodonToken)
        let harness = try Harness(server: server) { config, base in
            config.persona("ana-mastodon", network: "mastodon", handle: "ana",
                           sources: [("kind", "api"), ("url", "\(base)"), ("engagers", 0), ("token_file", "\(tokenFile)")])
        }
        let outcome = try await harness.refresh()
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        #expect(!server.requests.isEmpty && server.requests.allSatisfy { $0.authorization == bearer && $0.status == 200 }, "\(server.requests.map { ($0.target, $0.status) })")
        #expect(try harness.posts().count == 2)
        let interactions = try harness.store.interactions(persona: harness.persona.id)
        #expect(interactions.map(\.kind) == [.messageReceived], "\(interactions)")
        #expect(interactions.first?.counterpart == "bob@other.example")
        #expect(interactions.first?.thread == "https://other.example/users/bob@other.example/statuses/501")
    }

    @Test func aTokenWithoutTheNotificationsScopeOnlySkipsTheMentions() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "username": "ana", "acct": "ana"}"#)
        server.set("/api/v1/notifications?types[]=mention&limit=40", status: 403, json: #"{"error": "This action is outside the authorized scopes"}"#)
        server.set("/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true", json: "[" + MastodonAPITests.status("107", days: 1) + "]")
        let directory = try TemporaryDirectory("mastodon-scope")
        defer { directory.remove() }
        let tokenFile = try Self.secretFile(directory, "token", Self.mastodonToken)
        let harness = try Harness(server: server) { config, base in
            config.persona("ana-mastodon", network: "mastodon", handle: "ana",
                           sources: [("kind", "api"), ("url", "\(base)"), ("engagers", 0), ("token_file", "\(tokenFile)")])
        }
        let outcome = try await harness.refresh()
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        #expect(try harness.posts().count == 1)
        #expect(try harness.store.interactions(persona: harness.persona.id).isEmpty)
    }

    @Test func redditAppCredentialsGetATokenKeptInMemoryUntilRefused() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        let basic = "Basic " + Data("\(Self.redditClient):\(Self.redditSecret)".utf8).base64EncodedString()
        server.set("/api/v1/access_token", FixtureServer.Reply(
            headers: ["Content-Type": "application/json"],
            body: Data(#"{"access_token": "\#(Self.redditAccess)", "token_type": "bearer", "expires_in": 86400, "scope": "*"}"#.utf8),
            validators: false, authorization: basic))
        let now = Date().timeIntervalSince1970
        let post = #"{"kind": "t3", "data": {"id": "p1", "created_utc": \#(now - 86400), "title": "t", "subreddit": "swift", "permalink": "/r/swift/comments/p1/x/", "score": 12, "num_comments": 3, "num_crossposts": 0}}"#
        let bearer = "Bearer \(Self.redditAccess)"
        server.set("/user/ana/submitted.json?limit=100&raw_json=1", json: #"{"kind": "Listing", "data": {"after": null, "children": [\#(post)]}}"#, authorization: bearer)
        server.set("/user/ana/comments.json?limit=100&raw_json=1", json: #"{"kind": "Listing", "data": {"after": null, "children": []}}"#, authorization: bearer)
        let directory = try TemporaryDirectory("reddit-oauth")
        defer { directory.remove() }
        let credentials = try Self.secretFile(directory, "reddit", "\(Self.redditClient):\(Self.redditSecret)")
        let harness = try Harness(server: server) { config, base in
            config.persona("ana-reddit", network: "reddit", handle: "ana", sources: [("kind", "api"), ("url", "\(base)"), ("token_file", "\(credentials)")])
        }
        let first = try await harness.refresh()
        #expect(first.error == nil, "\(first.error ?? "")")
        #expect(try harness.posts().keys.sorted() == ["t3_p1"])
        let tokenRequests = server.requests("/api/v1/access_token")
        #expect(tokenRequests.count == 1)
        #expect(tokenRequests.first?.method == "POST" && tokenRequests.first?.body == "grant_type=client_credentials")
        let listings = server.requests("/user/")
        #expect(listings.count == 2 && listings.allSatisfy { $0.authorization == bearer && $0.userAgent == "linux:personad:\(PersonaDaemon.Daemon.version) (by /u/ana)" },
                "\(listings.map { ($0.authorization ?? "-", $0.userAgent ?? "-") })")

        // The token is reused while it is valid: no second token request.
        _ = try await harness.refresh()
        #expect(server.requests("/api/v1/access_token").count == 1)

        // Revoked: the listing answers 401, the poll fails and forgets the token; the next asks anew.
        server.set("/user/ana/submitted.json?limit=100&raw_json=1", json: "{}", authorization: "Bearer another")
        let refused = try await harness.refresh()
        #expect(refused.error?.contains("401") == true, "\(refused.error ?? "")")
        #expect(refused.error.map { !$0.contains(Self.redditAccess) && !$0.contains(Self.redditSecret) } == true)
        _ = try await harness.refresh()
        #expect(server.requests("/api/v1/access_token").count == 2)
    }
}
