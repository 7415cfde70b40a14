import Foundation
import PersonaModel
import PersonaUtilities

/// Reads a Mastodon account archive: `outbox.json` (an ActivityStreams `OrderedCollection`) and
/// `actor.json`.
///
/// `Create` activities whose object is a `Note` are the persona's posts; `Announce` (a boost of
/// someone's post, its object a bare URI) is not. Posts that are not public (neither `to` nor `cc`
/// holds the Public collection) are left out. A reply whose `inReplyTo` is one of the persona's
/// own statuses is a self-reply. `totalItems` is not trusted; the items are counted.
///
/// The archive records no engagement counts: it supplies history and conversation joined, while
/// counts come from the API source of the same persona.
public struct MastodonExportReader: ExportReader {
    public static let unmeasurable: [Metric: String] = [
        .conversation: "a Mastodon archive records no reply counts",
        .amplification: "a Mastodon archive records no boost counts",
        .applause: "a Mastodon archive records no favourite counts",
    ]
    static let publicCollections: Set<String> = ["https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"]

    public init() {}

    public func read(_ archive: ExportArchive, handle: String) throws(SourceError) -> Observation {
        guard let outboxPath = archive.paths.first(where: { ($0 as NSString).lastPathComponent == "outbox.json" }) else {
            throw SourceError(location: archive.location, detail: "no outbox.json: this is not a Mastodon archive")
        }
        var actorID: String?
        if let actorPath = archive.paths.first(where: { ($0 as NSString).lastPathComponent == "actor.json" }) {
            let actor = try object(in: archive, path: actorPath)
            actorID = actor["id"] as? String
        }
        let outbox = try object(in: archive, path: outboxPath)
        guard let items = outbox["orderedItems"] as? [Any] else {
            throw SourceError(location: archive.location, entry: outboxPath, field: "orderedItems", detail: "missing: expected an OrderedCollection")
        }
        var posts: [Post] = []
        var boosts = 0
        for (index, element) in items.enumerated() {
            guard let activity = element as? [String: Any] else {
                throw SourceError(location: archive.location, entry: outboxPath, record: index + 1, detail: "expected an activity object")
            }
            let type = activity["type"] as? String
            if type == "Announce" {
                boosts += 1
                continue
            }
            guard type == "Create", let note = activity["object"] as? [String: Any], (note["type"] as? String) == "Note" else { continue }
            let audience = Self.strings(note["to"] ?? activity["to"]) + Self.strings(note["cc"] ?? activity["cc"])
            guard audience.contains(where: Self.publicCollections.contains) else { continue }
            guard let id = note["id"] as? String else {
                throw SourceError(location: archive.location, entry: outboxPath, record: index + 1, field: "object.id", detail: "missing")
            }
            guard let published = (note["published"] as? String ?? activity["published"] as? String).flatMap(DateParsing.iso8601) else {
                throw SourceError(location: archive.location, entry: outboxPath, record: index + 1, field: "object.published", detail: "missing or not an ISO 8601 time")
            }
            let kind: PostKind
            let parent = (note["inReplyTo"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            if let parent {
                kind = actorID.map { parent.hasPrefix($0 + "/") } == true ? .selfReply : .reply
            } else {
                kind = .original
            }
            let tags = (note["tag"] as? [[String: Any]] ?? []).compactMap { tag -> String? in
                guard tag["type"] as? String == "Hashtag", let name = tag["name"] as? String else { return nil }
                return TextDecoding.trimmed(name, "#").lowercased()
            }
            posts.append(Post(
                id: id, createdAt: published, kind: kind, text: TextDecoding.stripTags(note["content"] as? String ?? ""),
                url: note["url"] as? String ?? id, tags: tags, inReplyTo: parent))
        }
        return Observation(posts: posts, skippedReposts: boosts, unmeasurable: Self.unmeasurable)
    }

    private func object(in archive: ExportArchive, path: String) throws(SourceError) -> [String: Any] {
        let data = try archive.data(at: path)
        do {
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw SourceError(location: archive.location, entry: path, detail: "expected a JSON object")
            }
            return object
        } catch let error as SourceError {
            throw error
        } catch {
            throw SourceError(location: archive.location, entry: path, detail: "malformed JSON (\(JSONErrors.describe(error, in: data)))")
        }
    }

    static func strings(_ value: Any?) -> [String] {
        switch value {
        case let string as String: [string]
        case let array as [Any]: array.compactMap { $0 as? String }
        default: []
        }
    }
}
