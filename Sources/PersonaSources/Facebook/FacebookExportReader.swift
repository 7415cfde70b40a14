import Foundation
import PersonaModel

/// Reads Facebook's "download your information" export (JSON), in its three layouts:
/// `posts/your_posts_1.json` (~2018–21), `your_activity_across_facebook/posts/…_1.json` (2022–23)
/// and `your_facebook_activity/posts/…_1.json` (2024+), split files (`_1`, `_2`…) included.
///
/// Posts are originals; comments the persona wrote (`comments_v2`, or `comments` before) are
/// conversation it joined; reactions it gave (`reactions_v2`, `reactions`, or the 2024 bare array
/// in `likes_and_reactions_1.json`) are interactions. Every string is repaired from Meta's
/// mojibake. The export records nothing others did with the persona's posts; the friends list
/// (`friends/friends.json` with `friends`, later `friends_and_followers/friends.json` or
/// `connections/friends/your_friends.json` with `friends_v2`) gives the audience.
public struct FacebookExportReader: ExportReader {
    public static let unmeasurable: [Metric: String] = [
        .conversation: "a Facebook export records no comments received",
        .amplification: "a Facebook export records no shares of the persona's posts",
        .applause: "a Facebook export records no reactions received",
    ]

    public init() {}

    public func read(_ archive: ExportArchive, handle: String) throws(SourceError) -> Observation {
        let postFiles = archive.paths.filter { path in
            let name = (path as NSString).lastPathComponent
            return path.contains("posts/") && name.hasPrefix("your_posts") && name.hasSuffix(".json")
        }
        let commentFiles = archive.paths.filter { ($0 as NSString).lastPathComponent.hasPrefix("comments") && $0.contains("comments") && $0.hasSuffix(".json") }
        let reactionFiles = archive.paths.filter { path in
            let name = (path as NSString).lastPathComponent
            return path.contains("likes_and_reactions") && name.hasSuffix(".json")
        }
        guard !postFiles.isEmpty || !commentFiles.isEmpty else {
            throw SourceError(location: archive.location, detail: "no posts/your_posts*.json or comments: this is not a Facebook export")
        }
        var posts: [Post] = []
        var interactions: [Interaction] = []
        for path in postFiles {
            for (record, index) in try records(in: archive, path: path, keys: ["status_updates", "posts"]) {
                guard let timestamp = ExportFields.timestamp(record["timestamp"]) else {
                    throw SourceError(location: archive.location, entry: path, record: index, field: "timestamp", detail: "missing")
                }
                let data = record["data"] as? [[String: Any]] ?? []
                let text = data.compactMap { $0["post"] as? String }.first.map(Mojibake.repair)
                    ?? (record["title"] as? String).map(Mojibake.repair) ?? ""
                posts.append(Post(id: ExportFields.id("facebook-post", timestamp, text), createdAt: timestamp, kind: .original,
                                  text: text, tags: ExportFields.hashtags(text)))
            }
        }
        for path in commentFiles {
            for (record, index) in try records(in: archive, path: path, keys: ["comments_v2", "comments"]) {
                let data = record["data"] as? [[String: Any]] ?? []
                let comment = data.compactMap { $0["comment"] as? [String: Any] }.first
                guard let timestamp = ExportFields.timestamp(comment?["timestamp"] ?? record["timestamp"]) else {
                    throw SourceError(location: archive.location, entry: path, record: index, field: "timestamp", detail: "missing")
                }
                let text = (comment?["comment"] as? String).map(Mojibake.repair) ?? ""
                posts.append(Post(id: ExportFields.id("facebook-comment", timestamp, text), createdAt: timestamp, kind: .reply,
                                  text: text, tags: ExportFields.hashtags(text)))
            }
        }
        for path in reactionFiles {
            for (record, index) in try records(in: archive, path: path, keys: ["reactions_v2", "reactions"]) {
                guard let timestamp = ExportFields.timestamp(record["timestamp"]) else {
                    throw SourceError(location: archive.location, entry: path, record: index, field: "timestamp", detail: "missing")
                }
                let title = (record["title"] as? String).map(Mojibake.repair) ?? ""
                interactions.append(Interaction(id: ExportFields.id("facebook-reaction", timestamp, title), kind: .reactionGiven, at: timestamp))
            }
        }
        return Observation(posts: posts, interactions: interactions, audience: try friends(in: archive),
                           unmeasurable: Self.unmeasurable)
    }

    /// How many friends the list names, if the export has one.
    private func friends(in archive: ExportArchive) throws(SourceError) -> Int? {
        let files = archive.paths.filter { path in
            let name = (path as NSString).lastPathComponent
            return (name == "friends.json" || name == "your_friends.json") && path.contains("friends")
        }
        guard !files.isEmpty else { return nil }
        var total = 0
        for path in files { total += try records(in: archive, path: path, keys: ["friends_v2", "friends"]).count }
        return total
    }

    /// The records of a file: a bare top-level array, or the array under one of `keys`.
    private func records(in archive: ExportArchive, path: String, keys: [String]) throws(SourceError) -> [([String: Any], Int)] {
        let data = try archive.data(at: path)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw SourceError(location: archive.location, entry: path, detail: "malformed JSON (\(JSONErrors.describe(error, in: data)))")
        }
        let array: [Any]
        if let bare = object as? [Any] {
            array = bare
        } else if let dictionary = object as? [String: Any], let found = keys.lazy.compactMap({ dictionary[$0] as? [Any] }).first {
            array = found
        } else {
            throw SourceError(location: archive.location, entry: path, detail: "expected an array, or an object with \(keys.joined(separator: " or "))")
        }
        return try array.enumerated().map { offset, element throws(SourceError) in
            guard let record = element as? [String: Any] else {
                throw SourceError(location: archive.location, entry: path, record: offset + 1, detail: "expected an object")
            }
            return (record, offset + 1)
        }
    }
}
