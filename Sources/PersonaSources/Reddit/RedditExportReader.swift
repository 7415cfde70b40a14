import Foundation
import PersonaModel
import PersonaUtilities

/// Reads Reddit's "request your data" export: `posts.csv` and `comments.csv` (columns vary between
/// exports; only `id` and `date` are required). Dates look like `2023-01-15 12:34:56 UTC`.
///
/// Posts are originals (`t3_ID`), comments are conversation the persona joined (`t1_ID`), the
/// same ids as the API's, so an export and the API of one persona merge. A comment whose `parent`
/// is one of the persona's own posts or comments is a self-reply. The export has no scores.
public struct RedditExportReader: ExportReader {
    public static let unmeasurable: [Metric: String] = [
        .conversation: "a Reddit export records no comment counts",
        .amplification: "a Reddit export records no crosspost counts",
        .applause: "a Reddit export records no scores",
    ]

    public init() {}

    public func read(_ archive: ExportArchive, handle: String) throws(SourceError) -> Observation {
        let postsPath = archive.paths.first { ($0 as NSString).lastPathComponent == "posts.csv" }
        let commentsPath = archive.paths.first { ($0 as NSString).lastPathComponent == "comments.csv" }
        guard postsPath != nil || commentsPath != nil else {
            throw SourceError(location: archive.location, detail: "no posts.csv or comments.csv: this is not a Reddit export")
        }
        var posts: [Post] = []
        var parents: [String: String] = [:]
        for (path, prefix) in [(postsPath, "t3_"), (commentsPath, "t1_")] {
            guard let path else { continue }
            let csv = try LenientCSV.read(archive.data(at: path), required: ["id", "date"], location: archive.location, entry: path)
            for row in csv.rows {
                guard let rawID = row["id"] else {
                    throw SourceError(location: archive.location, entry: path, line: row.line, field: "id", detail: "missing")
                }
                guard let date = row["date"].flatMap(Self.date) else {
                    throw SourceError(location: archive.location, entry: path, line: row.line, field: "date",
                                      detail: "missing or not in the form '2023-01-15 12:34:56 UTC'")
                }
                let id = rawID.hasPrefix(prefix) ? rawID : prefix + rawID
                let text = prefix == "t3_" ? (row["title"] ?? row["body"] ?? "") : (row["body"] ?? "")
                posts.append(Post(
                    id: id, createdAt: date, kind: prefix == "t3_" ? .original : .reply, text: text,
                    url: row["permalink"], tags: row["subreddit"].map { [$0.lowercased()] } ?? []))
                if prefix == "t1_", let parent = row["parent"] { parents[id] = parent }
            }
        }
        let own = Set(posts.map(\.id) + posts.map { String($0.id.dropFirst(3)) })
        for index in posts.indices where posts[index].kind == .reply {
            if let parent = parents[posts[index].id] { posts[index].kind = ReplyKind.reply(parentIsOwn: own.contains(parent)) }
        }
        return Observation(posts: posts, unmeasurable: Self.unmeasurable)
    }

    /// `2023-01-15 12:34:56 UTC`, or ISO 8601.
    static func date(_ text: String) -> Date? {
        let trimmed = text.hasSuffix(" UTC") ? String(text.dropLast(4)) : text
        return DateParsing.iso8601(trimmed.replacingOccurrences(of: " ", with: "T") + (trimmed.contains("T") || trimmed.count <= 10 ? "" : "Z"))
            ?? DateParsing.iso8601(text)
    }
}
