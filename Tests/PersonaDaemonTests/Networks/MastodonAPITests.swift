import Foundation
import PersonaModel
import PersonaStore
import Testing
import TestSupport
@testable import PersonaDaemon

/// The Mastodon API reader through the real source refresh and libcurl, against a loopback server
/// shaped like an instance: paging with `Link`, counts, boosts left out, self-replies, who reacted, 304 reuse.
@Suite(.serialized) struct MastodonAPITests {
    // MARK: Mastodon

    static func status(_ id: String, days: Double, replyTo: String? = nil, replyAccount: String? = nil, replies: Int = 0,
                       reblogs: Int = 0, favourites: Int = 0, quotes: Int? = nil, reblog: Bool = false, tags: [String] = [],
                       content: String? = nil) -> String {
        let quote = quotes.map { #", "quotes_count": \#($0)"# } ?? ""
        let reblogValue = reblog ? #"{"id": "9\#(id)", "uri": "https://other.example/users/x/statuses/9\#(id)"}"# : "null"
        let tagList = tags.map { #"{"name": "\#($0)", "url": "https://social.example/tags/\#($0)"}"# }.joined(separator: ", ")
        return """
            {"id": "\(id)", "uri": "https://social.example/users/ana/statuses/\(id)", "url": "https://social.example/@ana/\(id)",
             "created_at": "\(daysAgo(days))", "in_reply_to_id": \(replyTo.map { "\"\($0)\"" } ?? "null"),
             "in_reply_to_account_id": \(replyAccount.map { "\"\($0)\"" } ?? "null"), "sensitive": false, "spoiler_text": "",
             "visibility": "public", "language": "en", "replies_count": \(replies), "reblogs_count": \(reblogs),
             "favourites_count": \(favourites)\(quote), "content": "<p>\(content ?? "post \(id) &amp; more")</p>", "reblog": \(reblogValue),
             "account": {"id": "109", "username": "ana", "acct": "ana", "followers_count": 321},
             "media_attachments": [], "mentions": [], "tags": [\(tagList)], "emojis": []}
            """
    }

    /// One Mastodon API persona, `ana`, against the fixture server.
    static func mastodon(_ server: FixtureServer, engagers: Int? = nil, timeout: String? = nil) throws -> Harness {
        try Harness(server: server) { config, base in
            var source: TOMLConfig.Keys = [("kind", "api"), ("url", "\(base)")]
            if let engagers { source.append(("engagers", .integer(engagers))) }
            if let timeout { source.append(("timeout", .string(timeout))) }
            return config.persona("ana-mastodon", network: "mastodon", handle: "ana", sources: source)
    }
    }

    @Test func mastodonPagesCountsBoostsRepliesThen304() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "username": "ana", "acct": "ana", "followers_count": 321, "statuses_count": 7}"#)
        let first = "/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true"
        let second = first + "&max_id=104"
        server.set(first, headers: ["Link": "<\(server.url(second))>; rel=\"next\", <\(server.url(first + "&min_id=107"))>; rel=\"prev\""], json: "[" + [
            Self.status("107", days: 1, replies: 5, reblogs: 2, favourites: 9, quotes: 1, tags: ["Swift"]),
            Self.status("106", days: 2, replyTo: "55", replyAccount: "77", replies: 1, favourites: 2),
            Self.status("105", days: 3, replyTo: "107", replyAccount: "109"),
            Self.status("104", days: 4, reblog: true),
        ].joined(separator: ",") + "]")
        server.set(second, headers: ["Link": "<\(server.url(first + "&max_id=90"))>; rel=\"next\""], json: "[" + [
            Self.status("103", days: 20, replies: 3, reblogs: 1, favourites: 4),
            Self.status("90", days: 5000, replies: 100),
        ].joined(separator: ",") + "]")
        let harness = try Self.mastodon(server)
        let outcome = try await harness.refresh()
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        let posts = try harness.posts()
        #expect(posts.count == 5) // 4 own on page 1 minus the boost, 2 on page 2
        let original = try #require(posts["https://social.example/users/ana/statuses/107"])
        #expect(original.kind == .original)
        #expect(original.counts == EngagementCounts(replies: 5, reposts: 3, likes: 9)) // quotes count as amplification
        #expect(original.tags == ["swift"])
        #expect(original.text == "post 107 & more")
        #expect(posts["https://social.example/users/ana/statuses/106"]?.kind == .reply)
        #expect(posts["https://social.example/users/ana/statuses/105"]?.kind == .selfReply)
        #expect(posts["https://social.example/users/ana/statuses/104"] == nil)
        // Paging stopped at the page that reached past the window: no third request.
        #expect(server.requests("/api/v1/accounts/109/statuses").count == 2)
        #expect(server.requests.allSatisfy { $0.gzipped || $0.status != 200 || $0.acceptEncoding == nil })
        #expect(server.requests.contains { $0.gzipped })
        #expect(server.requests.first?.userAgent?.hasPrefix("personad") == true)
        let state = try #require(try harness.state())
        #expect(state.memo["account_id"] == "109")
        #expect(state.audience == 321)

        // Second poll: the account id is cached, the first page is conditional and answered 304.
        let before = server.requests.count
        let again = try await harness.refresh()
        #expect(again.error == nil)
        let newRequests = Array(server.requests.dropFirst(before))
        #expect(newRequests.map(\.target) == [FixtureServer.normalize(first)])
        #expect(newRequests.first?.status == 304 && newRequests.first?.ifNoneMatch != nil)
        #expect(try harness.posts().count == 5)
        let snapshot = try harness.snapshot()
        #expect(snapshot.sources.first?.status == .ok)
        #expect(snapshot.sources.first?.httpStatus == 304)
    }

    /// Timelines are newest first and a reply is newer than its parent: a self-reply is read before
    /// the status it answers (on the same page, or a page before), or its parent is older than this
    /// poll reaches. Each names its parent by URI, so its parent's reply count loses it.
    @Test func selfRepliesNameTheirParentWhereverTheParentIs() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "username": "ana", "acct": "ana", "followers_count": 40}"#)
        let first = "/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true"
        let second = first + "&max_id=206"
        server.set(first, headers: ["Link": "<\(server.url(second))>; rel=\"next\""], json: "[" + [
            Self.status("210", days: 1, replyTo: "208", replyAccount: "109", favourites: 1),   // parent below, same page
            Self.status("209", days: 2, replyTo: "77", replyAccount: "300", replies: 1),        // a reply to someone else
            Self.status("208", days: 3, replies: 4, favourites: 7),                             // 1 of its 4 replies is her own
            Self.status("207", days: 4, replyTo: "150", replyAccount: "109"),                    // parent on the next page
        ].joined(separator: ",") + "]")
        server.set(second, json: "[" + [
            Self.status("205", days: 6, replyTo: "42", replyAccount: "109"),                     // parent older than this poll reaches
            Self.status("150", days: 9, replies: 2, reblogs: 1),
        ].joined(separator: ",") + "]")
        let harness = try Self.mastodon(server)
        let outcome = try await harness.refresh()
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        let posts = try harness.posts()
        let uri = { (id: String) in "https://social.example/users/ana/statuses/\(id)" }
        #expect(posts[uri("210")]?.kind == .selfReply)
        #expect(posts[uri("210")]?.inReplyTo == uri("208"))
        #expect(posts[uri("207")]?.inReplyTo == uri("150"))
        #expect(posts[uri("205")]?.inReplyTo == uri("42"))
        #expect(posts[uri("209")]?.kind == .reply)
        #expect(posts[uri("209")]?.inReplyTo == "77", "another account's status keeps its local id")
        // Conversation counts the replies others wrote: 208's 4 less her own, 150's 2 less her own.
        let conversation = try #require(try harness.snapshot().score.components.first { $0.name == "conversation" })
        let evidence = Dictionary(uniqueKeysWithValues: conversation.evidence.map { ($0.postId, $0.count) })
        #expect(evidence[uri("208")] == 3, "\(conversation.evidence)")
        #expect(evidence[uri("150")] == 1, "\(conversation.evidence)")
    }

    // MARK: Bluesky

    @Test func mastodonEngagersArePeopleCountedOncePerWindow() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "followers_count": 50}"#)
        func timeline(bumped: Bool) -> String {
            "[" + (1...12).map { index in
                Self.status("\(300 + index)", days: Double(index), replies: index == 1 ? 2 : 0, favourites: index == 1 && bumped ? 14 : 13)
            }.joined(separator: ",") + "]"
        }
        let statuses = "/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true"
        server.set(statuses, json: timeline(bumped: false))
        func account(_ id: String) -> String { #"{"id": "\#(id)", "username": "u\#(id)", "acct": "u\#(id)"}"# }
        for index in 1...12 {
            // Ten pod accounts, two people of this post's own, and the persona itself.
            let likers = (0..<10).map { "pod\($0)" } + ["fan\(index)a", "fan\(index)b", "109"]
            server.set("/api/v1/statuses/\(300 + index)/favourited_by?limit=80", json: "[" + likers.map(account).joined(separator: ",") + "]")
        }
        server.set("/api/v1/statuses/301/context", json: #"{"ancestors": [], "descendants": [\#(Self.status("401", days: 0.5, replyTo: "301", replyAccount: "109").replacingOccurrences(of: #""account": {"id": "109""#, with: #""account": {"id": "777""#)), \#(Self.status("402", days: 0.4, replyTo: "401", replyAccount: "777"))]}"#)
        let harness = try Self.mastodon(server, engagers: 20)
        #expect(try await harness.refresh().error == nil)
        #expect(server.requests("/api/v1/statuses/").count == 13) // twelve favourited_by, one context
        let engagements = try harness.store.engagements(persona: harness.persona.id)
        #expect(engagements.filter { $0.metric == .applause }.count == 12 * 12)
        #expect(!engagements.contains { $0.actor == "109" })
        #expect(engagements.filter { $0.metric == .conversation }.map(\.actor) == ["777"])
        let posts = try harness.posts()
        #expect(posts["https://social.example/users/ana/statuses/305"]?.counts.likes == 12) // 13 less the persona's own
        let applause = try #require(try harness.snapshot().score.components.first { $0.name == "applause" })
        // Per post: ten pod accounts × 1/12 + two people = 2.83 likes, not 12; shrunk by 6 posts at
        // Mastodon's typical 2 likes: (12 × 2.83 + 6 × 2) / 18.
        let perPost: Double = 10.0 / 12 + 2
        let shrunk: Double = (12 * perPost + 6 * 2) / 18
        #expect(abs(try #require(applause.raw) - shrunk) < 1e-9)
        #expect(applause.reason.contains("over 12 originals: 2.83;"), "\(applause.reason)")
        #expect(applause.reason.contains("on 12 posts the likers are known: 34 people, each counted once in the window"), "\(applause.reason)")

        // Unchanged timeline: 304, nobody looked up again.
        let before = server.requests("/api/v1/statuses/").count
        #expect(try await harness.refresh().error == nil)
        #expect(server.requests("/api/v1/statuses/").count == before)
        // One post's counts moved: only that post is looked up.
        server.set(statuses, json: timeline(bumped: true))
        #expect(try await harness.refresh().error == nil)
        let after = server.requests("/api/v1/statuses/").map(\.target).dropFirst(before)
        #expect(Array(after) == ["/api/v1/statuses/301/favourited_by?limit=80", "/api/v1/statuses/301/context"])
        // The timeline was read again with raw counts: the persona's own favourite stays out of every
        // post's count, the ones not looked up again included.
        let later = try harness.posts()
        #expect(later["https://social.example/users/ana/statuses/305"]?.counts.likes == 12)
        #expect(later["https://social.example/users/ana/statuses/301"]?.counts.likes == 13) // 14 less her own
        #expect(try harness.state()?.memo["engagers-own:305"] == "applause")

        // She takes her favourite back: the next lookup of that post stops taking one out.
        server.set("/api/v1/statuses/301/favourited_by?limit=80", json: "[" + ((0..<10).map { "pod\($0)" } + ["fan1a", "fan1b"]).map(account).joined(separator: ",") + "]")
        server.set(statuses, json: timeline(bumped: false))
        #expect(try await harness.refresh().error == nil)
        #expect(try harness.posts()["https://social.example/users/ana/statuses/301"]?.counts.likes == 13)
        #expect(try harness.state()?.memo["engagers-own:301"] == nil)
    }

    /// Template answers are found in what the store keeps, not only in a reader's memory: the
    /// scorer reads enough of each post's text to tell a template and a question.
    @Test func templateAnswersAreOneAnswerThroughTheStore() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "followers_count": 50}"#)
        let originals = (1...12).map { Self.status("\(800 + $0)", days: Double($0) * 3, replies: 3, favourites: 4) }
        let answers = (1...12).map {
            Self.status("\(900 + $0)", days: Double($0) * 3 - 1, replyTo: "7\($0)", replyAccount: "3\($0)", favourites: 1,
                        content: "Hi there, sorry to hear that! Please send us a direct message with your order number, @user\($0).")
        }
        server.set("/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true", json: "[" + zip(answers, originals).flatMap { [$0, $1] }.joined(separator: ",") + "]")
        let harness = try Self.mastodon(server, engagers: 0)
        #expect(try await harness.refresh().error == nil)
        let responsiveness = try #require(try harness.snapshot().score.components.first { $0.name == "responsiveness" })
        #expect(responsiveness.reason.contains("12 near-identical replies counted as 1 answers"), "\(responsiveness.reason)")
    }

    /// More moved posts than one poll may ask about: the rest are remembered and asked about in the
    /// next polls, even when the timeline answers 304, until every post in the window is covered.
    @Test func lookupsReachEveryPostOverPollsWithinTheLimit() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "followers_count": 50}"#)
        let statuses = "/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true"
        // Newest first, as the timeline returns them: 725 is a day old, 701 twenty-five days.
        server.set(statuses, json: "[" + (1...25).reversed().map { Self.status("\(700 + $0)", days: Double(26 - $0), favourites: 1) }.joined(separator: ",") + "]")
        for index in 1...25 {
            server.set("/api/v1/statuses/\(700 + index)/favourited_by?limit=80", json: #"[{"id": "fan\#(index)", "acct": "fan\#(index)"}]"#)
        }
        let harness = try Self.mastodon(server, engagers: 20)
        #expect(try await harness.refresh().error == nil)
        let first = server.requests("/api/v1/statuses/").filter { $0.target.contains("/favourited_by") }.map(\.target)
        #expect(first.count == 20)
        #expect(first.first == "/api/v1/statuses/725/favourited_by?limit=80" && !first.contains("/api/v1/statuses/705/favourited_by?limit=80"))
        #expect(try harness.state()?.memo.keys.filter { $0.hasPrefix("engagers-due:") }.count == 5)

        // The timeline is unchanged (304): the five older posts are asked about now.
        #expect(try await harness.refresh().error == nil)
        let second = server.requests("/api/v1/statuses/").filter { $0.target.contains("/favourited_by") }.map(\.target).dropFirst(20)
        #expect(Array(second) == (1...5).reversed().map { "/api/v1/statuses/\(700 + $0)/favourited_by?limit=80" })
        #expect(try harness.store.engagements(persona: harness.persona.id).count == 25)
        #expect(try harness.state()?.memo.keys.filter { $0.hasPrefix("engagers-due:") }.isEmpty == true)

        // Nothing is due and nothing moved: no lookups at all.
        #expect(try await harness.refresh().error == nil)
        #expect(server.requests("/api/v1/statuses/").filter { $0.target.contains("/favourited_by") }.count == 25)
    }

    /// Likes bought from throwaway accounts: Mastodon describes each favouriting account, and a
    /// fresh, empty one counts a tenth of a person; the snapshot publishes the authentic share.
    @Test func freshEmptyAccountsCountATenthOfAPerson() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "followers_count": 50}"#)
        let statuses = "/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true"
        server.set(statuses, json: "[" + (1...12).map { Self.status("\(600 + $0)", days: Double($0), favourites: 22) }.joined(separator: ",") + "]")
        let now = Date()
        func iso(_ daysAgo: Double) -> String { ISO8601DateFormatter().string(from: now.addingTimeInterval(-daysAgo * 86400)) }
        func account(_ id: String, created: Double, followers: Int, posts: Int) -> String {
            #"{"id": "\#(id)", "acct": "u\#(id)", "followers_count": \#(followers), "statuses_count": \#(posts), "created_at": "\#(iso(created))"}"#
        }
        for index in 1...12 {
            // Two people of the post's own (years old, posting), twenty accounts made this week with nothing in them.
            let people = [account("p\(index)a", created: 900, followers: 80, posts: 400), account("p\(index)b", created: 20, followers: 3, posts: 40)]
            let bought = (0..<20).map { account("bought\(index)-\($0)", created: 3, followers: 0, posts: 0) }
            server.set("/api/v1/statuses/\(600 + index)/favourited_by?limit=80", json: "[" + (people + bought).joined(separator: ",") + "]")
        }
        let harness = try Self.mastodon(server, engagers: 20)
        #expect(try await harness.refresh().error == nil)
        let engagements = try harness.store.engagements(persona: harness.persona.id)
        #expect(engagements.filter(\.fresh).count == 12 * 20)
        #expect(engagements.filter { !$0.fresh }.count == 12 * 2)
        let score = try harness.snapshot().score
        let applause = try #require(score.components.first { $0.name == "applause" })
        // Per post: two people + twenty fresh accounts × 0.1 = 4 likes, not 22.
        #expect(applause.reason.contains("over 12 originals: 4;"), "\(applause.reason)")
        #expect(applause.reason.contains("240 of them were fresh, empty accounts"), "\(applause.reason)")
        #expect(score.sample.authenticShare == 0.091) // 24 of 264 named accounts
    }

    @Test func aFailedEngagerLookupSkipsThatPostAndKeepsTheTimeline() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "followers_count": 50}"#)
        server.set("/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true", json: "[" + [
            Self.status("501", days: 1, favourites: 3), Self.status("502", days: 2, favourites: 2),
        ].joined(separator: ",") + "]")
        server.set("/api/v1/statuses/501/favourited_by?limit=80", .init(status: 401, body: Data(#"{"error": "auth required"}"#.utf8)))
        server.set("/api/v1/statuses/502/favourited_by?limit=80", json: "[{\"id\": \"7\"}, {\"id\": \"8\"}]")
        server.set("/api/v1/statuses/503/favourited_by?limit=80", json: "[{\"id\": \"9\"}, {\"id\"")  // cut short
        let harness = try Self.mastodon(server)
        #expect(try await harness.refresh().error == nil)
        #expect(try harness.posts().count == 2)
        #expect(try harness.store.engagements(persona: harness.persona.id).map(\.actor).sorted() == ["7", "8"])
        // 501 is asked again next time (its counts were never looked up); 502 is not.
        server.set("/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true", json: "[" + [
            Self.status("501", days: 1, favourites: 3), Self.status("502", days: 2, favourites: 2), Self.status("503", days: 0.5, favourites: 1),
        ].joined(separator: ",") + "]")
        let before = server.requests.count
        // A malformed answer (503's) is skipped like a refused one: the timeline still lands.
        #expect(try await harness.refresh().error == nil)
        #expect(server.requests.dropFirst(before).map(\.target).filter { $0.contains("/statuses/50") }
                == ["/api/v1/statuses/501/favourited_by?limit=80", "/api/v1/statuses/503/favourited_by?limit=80"])
        #expect(try harness.posts().count == 3)
        #expect(try harness.store.engagements(persona: harness.persona.id).count == 2)
    }

    /// An instance that does not offer a kind of lookup (404, 501) is not asked it again for a day:
    /// not for the other posts of the same poll, not at the next polls; the other kinds go on.
    @Test func aKindOfLookupTheServerDoesNotOfferIsNotAskedForADay() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "followers_count": 50}"#)
        let statuses = "/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true"
        func timeline(_ likes: Int) -> String {
            "[" + (1...4).map { Self.status("\(600 + $0)", days: Double($0), reblogs: 1, favourites: likes + $0) }.joined(separator: ",") + "]"
        }
        server.set(statuses, json: timeline(3))
        for index in 601...604 {
            server.set("/api/v1/statuses/\(index)/favourited_by?limit=80", .init(status: 404, body: Data(#"{"error": "Record not found"}"#.utf8)))
            server.set("/api/v1/statuses/\(index)/reblogged_by?limit=80", json: #"[{"id": "r\#(index)"}]"#)
        }
        let harness = try Self.mastodon(server)
        let start = Date()
        #expect(try await harness.refresh(now: start).error == nil)
        func asked(_ kind: String) -> Int { server.requests.filter { $0.target.hasSuffix("/\(kind)?limit=80") }.count }
        #expect(asked("favourited_by") == 1, "one 404 is enough to stop asking")
        #expect(asked("reblogged_by") == 4)
        #expect(try harness.store.engagements(persona: harness.persona.id).filter { $0.metric == .amplification }.count == 4)
        #expect(try harness.state()?.memo["engagers-off:applause"] != nil)

        // Counts move an hour later: the reposters are asked again, the favourites are not.
        server.set(statuses, json: timeline(5))
        #expect(try await harness.refresh(now: start.addingTimeInterval(3600)).error == nil)
        #expect(asked("favourited_by") == 1)
        #expect(asked("reblogged_by") == 8)

        // A day later the instance is asked again.
        server.set(statuses, json: timeline(7))
        #expect(try await harness.refresh(now: start.addingTimeInterval(86400 + 60)).error == nil)
        #expect(asked("favourited_by") == 2)
    }

    @Test func aTimedOutEngagerLookupIsSkippedToo() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "followers_count": 50}"#)
        server.set("/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true", json: "[" + Self.status("601", days: 1, favourites: 3) + "]")
        server.set("/api/v1/statuses/601/favourited_by?limit=80", .init(body: Data("[]".utf8), delay: .seconds(4)))
        let harness = try Self.mastodon(server, timeout: "1s")
        #expect(try await harness.refresh().error == nil)
        #expect(try harness.posts().count == 1)
        #expect(try harness.store.engagements(persona: harness.persona.id).isEmpty)
    }

    @Test func mastodonExportAndAPIMakeOnePersonaWithTwoSources() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        server.set("/api/v1/accounts/lookup?acct=ana", json: #"{"id": "109", "followers_count": 12}"#)
        server.set("/api/v1/accounts/109/statuses?limit=40&exclude_reblogs=true", json: "[" + [
            Self.status("201", days: 1, replies: 4, reblogs: 1, favourites: 6),
            Self.status("202", days: 2, replies: 2, reblogs: 0, favourites: 3),
        ].joined(separator: ",") + "]")
        let archive = try TemporaryDirectory("mastodon-export")
        defer { archive.remove() }
        func create(_ id: String, _ days: Double) -> String {
            """
            {"id": "https://social.example/users/ana/statuses/\(id)/activity", "type": "Create", "actor": "https://social.example/users/ana",
             "published": "\(daysAgo(days))", "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": ["https://social.example/users/ana/followers"],
             "object": {"id": "https://social.example/users/ana/statuses/\(id)", "type": "Note", "published": "\(daysAgo(days))",
                        "content": "<p>old post \(id)</p>", "inReplyTo": null, "to": ["https://www.w3.org/ns/activitystreams#Public"],
                        "cc": [], "tag": []}}
            """
        }
        try archive.write("outbox.json", #"{"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json", "type": "OrderedCollection", "totalItems": 99, "orderedItems": ["# + [
            create("201", 1), create("150", 200), create("151", 201),
        ].joined(separator: ",") + "]}")
        try archive.write("actor.json", #"{"id": "https://social.example/users/ana", "type": "Person", "preferredUsername": "ana"}"#)
        let harness = try Harness(server: server) { config, base in
            config
                .persona("ana-mastodon", network: "mastodon", handle: "ana", sources: [("kind", "export"), ("path", "\(archive.path)")], [("kind", "api"), ("url", "\(base)")])
        }
        #expect(try await harness.refresh(0).error == nil)
        #expect(try await harness.refresh(1).error == nil)
        let posts = try harness.posts()
        // 201 is in both sources: one post, with the API's counts; 150, 151 from the export; 202 from the API.
        #expect(posts.count == 4)
        #expect(posts["https://social.example/users/ana/statuses/201"]?.counts == EngagementCounts(replies: 4, reposts: 1, likes: 6))
        #expect(posts["https://social.example/users/ana/statuses/150"]?.counts == EngagementCounts())
        let snapshot = try harness.snapshot()
        #expect(snapshot.sources.map(\.kind) == [.export, .api])
        #expect(snapshot.sources.allSatisfy { $0.status == .ok })
        #expect(snapshot.score.sample.posts == 4)
        // The archive cannot measure replies, the API can: measured. The API states the audience.
        #expect(snapshot.score.components.first { $0.name == "conversation" }?.measured == true)
        #expect(snapshot.score.components.first { $0.name == "audience" }?.raw == 12)
        #expect(snapshot.score.calibration?.network == .mastodon)
    }
}
