import Foundation
import PersonaModel
import PersonaUtilities

/// JSON Feed 1.0/1.1 (`https://jsonfeed.org/version/1.1`).
enum JSONFeedParser {
    static func parse(_ data: Data, location: String) throws(SourceError) -> [Post] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw SourceError(location: location, detail: "malformed JSON Feed (\(JSONErrors.describe(error, in: data)))")
        }
        guard let feed = object as? [String: Any], (feed["version"] as? String)?.contains("jsonfeed.org") == true,
              let items = feed["items"] as? [Any] else {
            throw SourceError(location: location, detail: "not a JSON Feed: expected an object with 'version' and 'items'")
        }
        var posts: [Post] = []
        for (offset, element) in items.enumerated() {
            guard let item = element as? [String: Any] else {
                throw SourceError(location: location, record: offset + 1, detail: "expected an object in 'items'")
            }
            let url = item["url"] as? String
            guard let id = (item["id"] as? String) ?? (item["id"] as? NSNumber)?.stringValue ?? url else {
                throw SourceError(location: location, record: offset + 1, field: "id", detail: "missing")
            }
            guard let date = ((item["date_published"] ?? item["date_modified"]) as? String).flatMap(DateParsing.iso8601) else {
                continue // undated items cannot be placed in a window
            }
            let text = (item["content_text"] as? String) ?? (item["content_html"] as? String).map(TextDecoding.stripTags)
                ?? (item["title"] as? String) ?? ""
            let tags = (item["tags"] as? [String] ?? []).map { $0.lowercased() }
            posts.append(Post(id: id, createdAt: date, kind: .original, text: text, url: url, tags: tags))
        }
        return posts
    }
}
