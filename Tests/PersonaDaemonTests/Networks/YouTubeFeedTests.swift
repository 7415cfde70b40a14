import Foundation
import PersonaModel
import PersonaStore
import Testing
import TestSupport
@testable import PersonaDaemon

/// The YouTube feed reader through the real source refresh and libcurl, against a loopback server:
/// likes from `media:starRating`, 304 reuse.
@Suite(.serialized) struct YouTubeFeedTests {
    @Test func youtubeChannelFeedLikesFromStarRatingThen304() async throws {
        let server = try await FixtureServer.start()
        defer { Task { await server.stop() } }
        func entry(_ id: String, _ days: Double, likes: Int, views: Int) -> String {
            """
            <entry>
              <id>yt:video:\(id)</id><yt:videoId>\(id)</yt:videoId><yt:channelId>UCabcdefghijklmnopqrstuv</yt:channelId>
              <title>Video \(id)</title><link rel="alternate" href="https://www.youtube.com/watch?v=\(id)"/>
              <author><name>Ana</name><uri>https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv</uri></author>
              <published>\(daysAgo(days))</published><updated>\(daysAgo(days / 2))</updated>
              <media:group>
                <media:title>Video \(id)</media:title>
                <media:content url="https://www.youtube.com/v/\(id)?version=3" type="application/x-shockwave-flash" width="640" height="390"/>
                <media:thumbnail url="https://i1.ytimg.com/vi/\(id)/hqdefault.jpg" width="480" height="360"/>
                <media:description>About \(id)</media:description>
                <media:community>
                  <media:starRating count="\(likes)" average="5.00" min="1" max="5"/>
                  <media:statistics views="\(views)"/>
                </media:community>
              </media:group>
            </entry>
            """
        }
        let path = "/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv"
        server.set(path, xml: """
            <?xml version="1.0" encoding="UTF-8"?>
            <feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
             <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv"/>
             <id>yt:channel:abcdefghijklmnopqrstuv</id><yt:channelId>abcdefghijklmnopqrstuv</yt:channelId><title>Ana</title>
             \(entry("v1", 1, likes: 120, views: 4000))
             \(entry("v2", 9, likes: 7, views: 300))
            </feed>
            """)
        let harness = try Harness(server: server) { config, base in
            config
                .persona("ana-yt", network: "youtube", handle: "UCabcdefghijklmnopqrstuv", sources: [("kind", "feed"), ("url", "\(base)/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv")])
        }
        #expect(try await harness.refresh().error == nil)
        let posts = try harness.posts()
        #expect(posts["yt:video:v1"]?.counts == EngagementCounts(replies: nil, reposts: nil, likes: 120))
        #expect(posts["yt:video:v1"]?.url == "https://www.youtube.com/watch?v=v1")
        #expect(posts["yt:video:v2"]?.counts.likes == 7)
        let snapshot = try harness.snapshot()
        let conversation = try #require(snapshot.score.components.first { $0.name == "conversation" })
        #expect(!conversation.measured && conversation.reason.contains("YouTube"))
        #expect(try await harness.refresh().error == nil)
        #expect(server.requests.last?.status == 304)
    }

    // MARK: Export and API together

    /// Who reacted: a pod of ten accounts that favourite everything counts as ten people once in
    /// the window, not as ten likes on every post; the persona's own favourite is no one's applause.
}
