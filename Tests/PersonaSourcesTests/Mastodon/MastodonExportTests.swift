import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaSources
import PersonaUtilities

@Suite final class MastodonExportTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory("mastodon-export") }
    deinit { directory.remove() }

    @Test func createsAnnouncesVisibilityAndSelfReplies() throws {
        let actor = "https://social.example/users/ana"
        func note(_ id: String, reply: String? = nil, to: String = "https://www.w3.org/ns/activitystreams#Public", tags: String = "[]") -> String {
            """
            {"type": "Create", "published": "2026-01-0\(id)T10:00:00Z", "to": ["\(to)"], "cc": [],
             "object": {"id": "\(actor)/statuses/\(id)", "type": "Note", "published": "2026-01-0\(id)T10:00:00Z",
                        "content": "<p>note \(id)</p>", "inReplyTo": \(reply.map { "\"\($0)\"" } ?? "null"),
                        "to": ["\(to)"], "cc": ["\(actor)/followers"], "tag": \(tags)}}
            """
        }
        try directory.write("archive/outbox.json", """
            {"@context": "https://www.w3.org/ns/activitystreams", "type": "OrderedCollection", "totalItems": 40, "orderedItems": [
              \(note("1", tags: ##"[{"type": "Hashtag", "name": "#Swift"}, {"type": "Mention", "name": "@bob"}]"##)),
              \(note("2", reply: "https://other.example/users/bob/statuses/9")),
              \(note("3", reply: "\(actor)/statuses/1")),
              \(note("4", to: "\(actor)/followers")),
              {"type": "Announce", "published": "2026-01-05T10:00:00Z", "to": ["https://www.w3.org/ns/activitystreams#Public"], "object": "https://other.example/users/bob/statuses/10"}
            ]}
            """)
        try directory.write("archive/actor.json", #"{"id": "https://social.example/users/ana", "type": "Person", "preferredUsername": "ana"}"#)
        let observation = try MastodonExportReader().read(ExportArchive(path: directory.file("archive")), handle: "ana")
        let byID = Dictionary(uniqueKeysWithValues: observation.posts.map { ($0.id.split(separator: "/").last.map(String.init) ?? "", $0) })
        #expect(byID.keys.sorted() == ["1", "2", "3"]) // 4 is followers-only, 5 is a boost
        #expect(byID["1"]?.tags == ["swift"])
        #expect(byID["1"]?.text == "note 1")
        #expect(byID["2"]?.kind == .reply)
        #expect(byID["3"]?.kind == .selfReply)
        #expect(observation.skippedReposts == 1)
    }
}
