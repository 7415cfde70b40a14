import Foundation
import PersonaModel
import PersonaUtilities

/// Reads Instagram's "download your information" export (JSON), in all four layouts:
/// `media.json` (≤2020), `content/posts_1.json` (2021–mid 2023),
/// `your_instagram_activity/content/posts_1.json` (late 2023–2024) and
/// `your_instagram_activity/media/posts_1.json` (2025), split files included.
///
/// - A single-image post has no top-level `title`/`creation_timestamp`: its caption and time are
///   `media[0]`'s. Timestamps are Unix seconds; `0` means none.
/// - Followers (`followers_1.json`, `followers_2.json`…, or ≤2020 `connections.json`) give the
///   audience; comments the persona wrote are conversation it joined; likes it gave are interactions.
/// - Professional accounts' `past_instagram_insights/posts.json` and `reels.json` give per-post
///   likes, comments and shares (strings with thousands separators, `"1,376"`), matched to posts
///   by creation time.
/// - Every string is repaired from Meta's mojibake. `string_map_data` keys are translated into the
///   account's language, so times are found by their typed `timestamp` field, not by key names.
public struct InstagramExportReader: ExportReader {
    public static let unmeasurable: [Metric: String] = [
        .conversation: "a personal Instagram export records no comments received (a professional account's insights do)",
        .amplification: "a personal Instagram export records no shares (a professional account's insights do)",
        .applause: "a personal Instagram export records no likes received (a professional account's insights do)",
    ]

    public init() {}

    public func read(_ archive: ExportArchive, handle: String) throws(SourceError) -> Observation {
        let postFiles = archive.paths.filter { path in
            let name = (path as NSString).lastPathComponent
            return (path.hasSuffix("content/" + name) || path.hasSuffix("media/" + name)) && name.hasPrefix("posts_") && name.hasSuffix(".json")
        }
        let legacyMedia = archive.paths.first { ($0 as NSString).lastPathComponent == "media.json" }
        guard !postFiles.isEmpty || legacyMedia != nil else {
            throw SourceError(location: archive.location, detail: "no posts_1.json or media.json: this is not an Instagram export")
        }
        var posts: [Post] = []
        for path in postFiles {
            guard let array = try json(in: archive, path: path) as? [Any] else {
                throw SourceError(location: archive.location, entry: path, detail: "expected an array of posts")
            }
            for (offset, element) in array.enumerated() {
                guard let record = element as? [String: Any] else {
                    throw SourceError(location: archive.location, entry: path, record: offset + 1, detail: "expected an object")
                }
                let media = record["media"] as? [[String: Any]] ?? []
                let first = media.first ?? [:]
                guard let date = ExportFields.timestamp(record["creation_timestamp"]) ?? ExportFields.timestamp(first["creation_timestamp"]) else {
                    throw SourceError(location: archive.location, entry: path, record: offset + 1, field: "creation_timestamp", detail: "missing")
                }
                let caption = Mojibake.repair((record["title"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? first["title"] as? String ?? "")
                let key = (first["uri"] as? String) ?? String(Int(date.timeIntervalSince1970))
                posts.append(Post(id: "instagram:\(key)", createdAt: date, kind: .original, text: caption,
                                  tags: ExportFields.hashtags(caption)))
            }
        }
        if let legacyMedia, postFiles.isEmpty {
            posts += try legacyPosts(in: archive, path: legacyMedia)
        }
        try applyInsights(in: archive, to: &posts)
        var interactions: [Interaction] = []
        posts += try comments(in: archive, handle: handle)
        interactions += try likes(in: archive)
        return Observation(posts: posts, interactions: interactions, audience: try followers(in: archive),
                           unmeasurable: Self.unmeasurable)
    }

    /// ≤2020: `{"photos": [{"caption", "taken_at", "path"}], "videos": [...]}`, ISO 8601 times.
    private func legacyPosts(in archive: ExportArchive, path: String) throws(SourceError) -> [Post] {
        guard let object = try json(in: archive, path: path) as? [String: Any] else {
            throw SourceError(location: archive.location, entry: path, detail: "expected an object with photos and videos")
        }
        var posts: [Post] = []
        for kind in ["photos", "videos"] {
            for (offset, element) in (object[kind] as? [[String: Any]] ?? []).enumerated() {
                guard let date = (element["taken_at"] as? String).flatMap(DateParsing.iso8601) else {
                    throw SourceError(location: archive.location, entry: path, record: offset + 1, field: "\(kind).taken_at", detail: "missing or not ISO 8601")
                }
                let caption = Mojibake.repair(element["caption"] as? String ?? "")
                let key = element["path"] as? String ?? String(Int(date.timeIntervalSince1970))
                posts.append(Post(id: "instagram:\(key)", createdAt: date, kind: .original, text: caption,
                                  tags: ExportFields.hashtags(caption)))
            }
        }
        return posts
    }

    /// Professional insights, matched to posts by creation time (to the second).
    private func applyInsights(in archive: ExportArchive, to posts: inout [Post]) throws(SourceError) {
        let files = archive.paths.filter { path in
            path.contains("past_instagram_insights/") && ["posts.json", "reels.json"].contains((path as NSString).lastPathComponent)
        }
        guard !files.isEmpty else { return }
        var byTime: [Int: Int] = [:]
        for (index, post) in posts.enumerated() { byTime[Int(post.createdAt.timeIntervalSince1970)] = index }
        for path in files {
            guard let object = try json(in: archive, path: path) as? [String: Any] else { continue }
            let records = (object["organic_insights_posts"] ?? object["organic_insights_reels"]) as? [[String: Any]] ?? []
            for record in records {
                guard let map = record["string_map_data"] as? [String: [String: Any]] else { continue }
                guard let time = map.values.compactMap({ ExportFields.timestamp($0["timestamp"]) }).first,
                      let index = byTime[Int(time.timeIntervalSince1970)] else { continue }
                func count(_ names: [String]) -> Int? {
                    for name in names { if let value = map[name]?["value"] as? String { return Self.number(value) } }
                    return nil
                }
                let insight = EngagementCounts(replies: count(["Comments"]), reposts: count(["Shares"]), likes: count(["Likes"]))
                posts[index].counts = posts[index].counts.updated(with: insight)
            }
        }
    }

    private func comments(in archive: ExportArchive, handle: String) throws(SourceError) -> [Post] {
        var posts: [Post] = []
        for path in archive.paths where path.contains("comments/") && (path as NSString).lastPathComponent.hasPrefix("post_comments") {
            let object = try json(in: archive, path: path)
            let records = (object as? [[String: Any]]) ?? ((object as? [String: Any])?["comments_media_comments"] as? [[String: Any]]) ?? []
            for (offset, record) in records.enumerated() {
                guard let map = record["string_map_data"] as? [String: [String: Any]] else { continue }
                guard let time = map.values.compactMap({ ExportFields.timestamp($0["timestamp"]) }).first else {
                    throw SourceError(location: archive.location, entry: path, record: offset + 1, field: "string_map_data.*.timestamp", detail: "missing")
                }
                // Keys are translated: prefer the English names, else take the longest text as the comment.
                let values = map.filter { $0.value["timestamp"] == nil }.compactMap { entry in
                    (entry.value["value"] as? String).map { (entry.key, Mojibake.repair($0)) }
                }
                let text = values.first { $0.0 == "Comment" }?.1 ?? values.max { $0.1.count < $1.1.count }?.1 ?? ""
                let owner = values.first { $0.0 == "Media Owner" }?.1 ?? values.first { $0.1 != text }?.1
                let kind = ReplyKind.comment(onOwnPost: owner?.caseInsensitiveCompare(handle) == .orderedSame, text: text, handle: handle)
                posts.append(Post(id: ExportFields.id("instagram-comment", time, text), createdAt: time, kind: kind,
                                  text: text, tags: ExportFields.hashtags(text)))
            }
        }
        return posts
    }

    private func likes(in archive: ExportArchive) throws(SourceError) -> [Interaction] {
        guard let path = archive.paths.first(where: { $0.hasSuffix("likes/liked_posts.json") }) else { return [] }
        let object = try json(in: archive, path: path)
        let records = ((object as? [String: Any])?["likes_media_likes"] as? [[String: Any]]) ?? (object as? [[String: Any]]) ?? []
        return records.compactMap { record in
            let entry = (record["string_list_data"] as? [[String: Any]])?.first
            guard let time = ExportFields.timestamp(entry?["timestamp"]) else { return nil }
            let owner = (record["title"] as? String).map(Mojibake.repair)
            return Interaction(id: ExportFields.id("instagram-like", time, (entry?["href"] as? String) ?? owner ?? ""),
                               kind: .reactionGiven, at: time, counterpart: owner)
        }
    }

    /// Followers, over every split file; or the ≤2020 `connections.json`.
    private func followers(in archive: ExportArchive) throws(SourceError) -> Int? {
        let files = archive.paths.filter { path in
            let name = (path as NSString).lastPathComponent
            return name.hasPrefix("followers_") && name.hasSuffix(".json") && path.contains("followers_and_following/")
        }
        if !files.isEmpty {
            var total = 0
            for path in files {
                let object = try json(in: archive, path: path)
                let list = (object as? [Any]) ?? ((object as? [String: Any])?["relationships_followers"] as? [Any]) ?? []
                total += list.count
            }
            return total
        }
        if let path = archive.paths.first(where: { ($0 as NSString).lastPathComponent == "connections.json" }),
           let object = try json(in: archive, path: path) as? [String: Any], let followers = object["followers"] as? [String: Any] {
            return followers.count
        }
        return nil
    }

    private func json(in archive: ExportArchive, path: String) throws(SourceError) -> Any {
        let data = try archive.data(at: path)
        do {
            return try JSONSerialization.jsonObject(with: data)
        } catch {
            throw SourceError(location: archive.location, entry: path, detail: "malformed JSON (\(JSONErrors.describe(error, in: data)))")
        }
    }

    /// `"1,376"`, `"1.376"`, `"1 376"`, `"12"`: the digits, whatever the locale's separators.
    static func number(_ text: String) -> Int? {
        let digits = text.filter(\.isASCII).filter(\.isNumber)
        return digits.isEmpty ? nil : Int(digits)
    }
}
