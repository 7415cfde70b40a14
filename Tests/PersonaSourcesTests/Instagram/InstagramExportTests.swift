import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaSources

/// Instagram fixtures, shaped like the real files (Docs/sources/instagram.md), outside the suite.
enum InstagramFixtures {
    /// A single-image post (caption and time only in media[0]) and a carousel (top-level title and time).
    static let posts = #"""
        [
          {"media": [{"uri": "media/posts/202401/1.jpg", "creation_timestamp": 1704103200, "media_metadata": {}, "title": "Caf\u00c3\u00a9 \u00f0\u009f\u0099\u0084 #Coffee", "cross_post_source": {"source_app": "FB"}}]},
          {"media": [{"uri": "media/posts/202401/2.jpg", "creation_timestamp": 1704189600, "title": ""}, {"uri": "media/posts/202401/3.jpg", "creation_timestamp": 1704189600, "title": ""}],
           "title": "Two pictures #travel", "creation_timestamp": 1704189600}
        ]
        """#
    static let followers = #"[{"title": "", "media_list_data": [], "string_list_data": [{"href": "https://www.instagram.com/bob", "value": "bob", "timestamp": 1600000000}]}, {"title": "", "media_list_data": [], "string_list_data": [{"href": "https://www.instagram.com/eve", "value": "eve", "timestamp": 1600000001}]}]"#
    static let moreFollowers = #"[{"title": "", "media_list_data": [], "string_list_data": [{"href": "https://www.instagram.com/joe", "value": "joe", "timestamp": 1600000002}]}]"#
    static let following = #"{"relationships_following": [{"title": "bob", "media_list_data": [], "string_list_data": [{"href": "https://www.instagram.com/_u/bob", "timestamp": 1600000000}]}]}"#
    /// Comments, with Danish keys in the second record.
    static let comments = #"""
        [
          {"media_list_data": [], "string_map_data": {"Comment": {"value": "So good \u00f0\u009f\u0098\u0080"}, "Media Owner": {"value": "bob"}, "Time": {"timestamp": 1704200000}}},
          {"media_list_data": [], "string_map_data": {"Kommentar": {"value": "Tak for det, det var en god dag"}, "Ejer af medie": {"value": "ana"}, "Tidspunkt": {"timestamp": 1704300000}}}
        ]
        """#
    static let likes = #"{"likes_media_likes": [{"title": "bob", "string_list_data": [{"href": "https://www.instagram.com/p/XYZ/", "value": "\u00f0\u009f\u0091\u008d", "timestamp": 1704400000}]}]}"#
    static let insights = #"{"organic_insights_posts": [{"media_map_data": {}, "string_map_data": {"Creation Timestamp": {"timestamp": 1704103200}, "Impressions": {"value": "2,180"}, "Likes": {"value": "1,376"}, "Comments": {"value": "12"}, "Shares": {"value": "3"}, "Saves": {"value": "40"}}}]}"#
    static let legacy = #"{"photos": [{"caption": "Old one", "taken_at": "2019-05-01T12:00:00+00:00", "path": "photos/201905/a.jpg"}], "videos": [{"caption": "", "taken_at": "2019-06-01T12:00:00", "path": "videos/201906/b.mp4"}]}"#
}

@Suite final class InstagramExportTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory("instagram-export") }
    deinit { directory.remove() }

    func read(_ name: String) throws -> Observation {
        try InstagramExportReader().read(ExportArchive(path: directory.file(name)), handle: "ana")
    }

    @Test(arguments: [
        ("content/posts_1.json", "followers_and_following/followers_1.json", "followers_and_following/following.json"),
        ("your_instagram_activity/content/posts_1.json", "connections/followers_and_following/followers_1.json", "connections/followers_and_following/following.json"),
        ("your_instagram_activity/media/posts_1.json", "connections/followers_and_following/followers_1.json", "connections/followers_and_following/following.json"),
    ])
    func layoutsSince2021(_ posts: String, _ followers: String, _ following: String) throws {
        let root = "ig-\(abs(posts.hashValue))"
        try directory.write("\(root)/\(posts)", InstagramFixtures.posts)
        try directory.write("\(root)/\(followers)", InstagramFixtures.followers)
        try directory.write("\(root)/\(followers.replacingOccurrences(of: "_1.json", with: "_2.json"))", InstagramFixtures.moreFollowers)
        try directory.write("\(root)/\(following)", InstagramFixtures.following)
        try directory.write("\(root)/your_instagram_activity/comments/post_comments_1.json", InstagramFixtures.comments)
        try directory.write("\(root)/your_instagram_activity/likes/liked_posts.json", InstagramFixtures.likes)
        try directory.write("\(root)/no-data.txt", "No data")
        let observation = try read(root)
        let originals = observation.posts.filter { $0.kind == .original }.sorted { $0.createdAt < $1.createdAt }
        #expect(originals.count == 2)
        #expect(originals[0].text == "Caf\u{e9} \u{1F644} #Coffee")
        #expect(originals[0].tags == ["coffee"])
        #expect(originals[0].createdAt == Date(timeIntervalSince1970: 1_704_103_200))
        #expect(originals[1].text == "Two pictures #travel")
        #expect(originals[0].counts == EngagementCounts())
        #expect(observation.audience == 3) // split followers files add up
        let comments = observation.posts.filter { $0.kind != .original }.sorted { $0.createdAt < $1.createdAt }
        #expect(comments.map(\.text) == ["So good \u{1F600}", "Tak for det, det var en god dag"])
        #expect(comments.map(\.kind) == [.reply, .selfReply]) // the Danish record's owner is the persona
        #expect(observation.interactions.map(\.counterpart) == ["bob"])
    }

    @Test func professionalInsightsGiveCountsWithThousandsSeparators() throws {
        try directory.write("pro/your_instagram_activity/media/posts_1.json", InstagramFixtures.posts)
        try directory.write("pro/logged_information/past_instagram_insights/posts.json", InstagramFixtures.insights)
        let observation = try read("pro")
        let post = try #require(observation.posts.first { $0.createdAt == Date(timeIntervalSince1970: 1_704_103_200) })
        #expect(post.counts == EngagementCounts(replies: 12, reposts: 3, likes: 1376))
        #expect(observation.posts.first { $0.createdAt == Date(timeIntervalSince1970: 1_704_189_600) }?.counts == EngagementCounts())
    }

    @Test func layoutUpTo2020() throws {
        try directory.write("old/media.json", InstagramFixtures.legacy)
        try directory.write("old/connections.json", #"{"followers": {"bob": "2019-01-01T00:00:00", "eve": "2019-02-01T00:00:00"}, "following": {}}"#)
        let observation = try read("old")
        #expect(observation.posts.map(\.text).sorted() == ["", "Old one"])
        #expect(observation.audience == 2)
    }

    @Test func wrongNetworkAndBrokenFiles() throws {
        try directory.write("x/data/tweets.js", "window.YTD.tweets.part0 = []")
        #expect(throws: SourceError.self) { try self.read("x") }
        try directory.write("cut/content/posts_1.json", String(InstagramFixtures.posts.dropLast(40)))
        let error = #expect(throws: SourceError.self) { try self.read("cut") }
        #expect(error?.entry == "content/posts_1.json")
        try directory.write("nodate/content/posts_1.json", #"[{"media": [{"uri": "a.jpg", "creation_timestamp": 0, "title": "x"}]}]"#)
        let missing = #expect(throws: SourceError.self) { try self.read("nodate") }
        #expect(missing?.field == "creation_timestamp")
        #expect(missing?.record == 1)
    }
}
