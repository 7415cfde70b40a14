import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaSources
import PersonaUtilities

@Suite final class FacebookExportTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory("facebook-export") }
    deinit { directory.remove() }


    @Test(arguments: ["posts/your_posts_1.json",
                      "your_activity_across_facebook/posts/your_posts__check_ins__photos_and_videos_1.json",
                      "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json"])
    func everyLayoutWithMojibakeRepaired(_ path: String) throws {
        try directory.write("fb/\(path)", "[\(facebookPost), {\"timestamp\": 1600001000, \"title\": \"Ana shared a link.\"}]")
        try directory.write("fb/comments_and_reactions/comments.json", facebookComments)
        try directory.write("fb/your_facebook_activity/comments_and_reactions/likes_and_reactions_1.json", #"[{"timestamp": 1600003000, "data": [{"reaction": {"reaction": "LIKE", "actor": "Ana"}}], "title": "Ana likes Bob's post."}]"#)
        let observation = try FacebookExportReader().read(ExportArchive(path: directory.file("fb")), handle: "ana")
        let originals = observation.posts.filter { $0.kind == .original }
        #expect(originals.count == 2)
        #expect(originals.contains { $0.text == "Caf\u{e9} time \u{1F644} #Coffee" && $0.tags == ["coffee"] })
        #expect(originals.contains { $0.text == "Ana shared a link." })
        #expect(observation.posts.filter { $0.kind == .reply }.map(\.text) == ["Nice \u{1F600}"])
        #expect(observation.interactions.map(\.kind) == [.reactionGiven])
        #expect(observation.unmeasurable.count == 3)
        // Reading twice gives the same ids.
        let again = try FacebookExportReader().read(ExportArchive(path: directory.file("fb")), handle: "ana")
        #expect(Set(again.posts.map(\.id)) == Set(observation.posts.map(\.id)))
    }

    @Test(arguments: [("friends/friends.json", "friends"), ("friends_and_followers/friends.json", "friends_v2"),
                      ("connections/friends/your_friends.json", "friends_v2")])
    func theFriendsListIsTheAudience(_ path: String, _ key: String) throws {
        try directory.write("f/posts/your_posts_1.json", "[\(facebookPost)]")
        let friend = #"{"name": "B\u00c3\u00b8b", "timestamp": 1500000000}"#
        try directory.write("f/\(path)", #"{"\#(key)": [\#(friend), \#(friend), \#(friend)]}"#)
        try directory.write("f/friends_and_followers/removed_friends.json", #"{"deleted_friends_v2": [\#(friend)]}"#)
        #expect(try FacebookExportReader().read(ExportArchive(path: directory.file("f")), handle: "a").audience == 3)
        try directory.write("none/posts/your_posts_1.json", "[\(facebookPost)]")
        #expect(try FacebookExportReader().read(ExportArchive(path: directory.file("none")), handle: "a").audience == nil)
    }

    @Test func olderReactionsKeyAndTruncatedFile() throws {
        try directory.write("old/posts/your_posts_1.json", "[\(facebookPost)]")
        try directory.write("old/likes_and_reactions/posts_and_comments.json", #"{"reactions": [{"timestamp": 1500000000, "title": "x"}]}"#)
        #expect(try FacebookExportReader().read(ExportArchive(path: directory.file("old")), handle: "a").interactions.count == 1)
        try directory.write("cut/posts/your_posts_1.json", "[\(facebookPost), {\"timestamp\": 16")
        let error = #expect(throws: SourceError.self) { try FacebookExportReader().read(ExportArchive(path: directory.file("cut")), handle: "a") }
        #expect(error?.entry == "posts/your_posts_1.json")
        #expect(error?.description.contains("malformed JSON") == true)
    }

    @Test func anInstagramArchiveIsNotAFacebookExport() throws {
        try directory.write("ig/your_instagram_activity/media/posts_1.json", "[]")
        let error = #expect(throws: SourceError.self) { try FacebookExportReader().read(ExportArchive(path: directory.file("ig")), handle: "a") }
        #expect(error?.description.contains("not a Facebook export") == true)
    }
}
