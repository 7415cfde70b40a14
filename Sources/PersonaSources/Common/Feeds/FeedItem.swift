import Foundation
import PersonaModel
import PersonaUtilities

/// One `<item>` or `<entry>` as read, before it becomes a post.
struct FeedItem {
    /// The line the item starts on, for the notes about skipped items.
    var line = 0
    /// RSS `guid`, Atom `id`, or RSS 1.0's `rdf:about`.
    var id: String?
    /// RSS `<guid isPermaLink="true">` (the default) is also the item's address.
    var guidIsPermaLink = false
    var link: String?
    var title = ""
    var body = ""
    var published: Date?
    var updated: Date?
    /// The first date element's text, whether or not it could be read.
    var dateText: String?
    var tags: [String] = []
    var replies: Int?
    /// Media RSS `media:starRating@count` (YouTube's likes).
    var likes: Int?

    /// Why an item is not a post.
    enum Skip: Error, Equatable {
        /// It has no date element at all: it cannot be placed in a window.
        case undated
        /// Its date is in no form the reader knows.
        case unreadableDate(String)
    }

    /// The post, or why there is none.
    ///
    /// An item with neither guid/id nor link (podcasts and some generated feeds have them) gets
    /// a stable id: `item-` and a 64-bit FNV-1a hash of its title, date text and body. It stays
    /// the same as long as those do; an edit to any of them makes it a new post.
    func post() -> Result<Post, Skip> {
        guard let date = published ?? updated else {
            return .failure(dateText.map { .unreadableDate($0) } ?? .undated)
        }
        let address = link ?? (guidIsPermaLink ? id.flatMap { $0.hasPrefix("http") ? $0 : nil } : nil)
        let text = title.isEmpty ? TextDecoding.stripTags(body) : title
        return .success(Post(
            id: id ?? link ?? contentID, createdAt: date, kind: .original, text: text, url: address, tags: tags,
            counts: EngagementCounts(replies: replies, likes: likes)))
    }

    var contentID: String {
        var hash = StableHash()
        hash.combine(title)
        hash.combine([0x1F])
        hash.combine(dateText ?? "")
        hash.combine([0x1F])
        hash.combine(body)
        return "item-" + hash.hex
    }

    /// Keeps the first readable date of each kind; records the first date text seen.
    mutating func date(_ text: String, published isPublished: Bool) {
        if dateText == nil { dateText = text }
        guard let date = DateParsing.feed(text) else { return }
        if isPublished {
            if published == nil { published = date }
        } else if updated == nil {
            updated = date
        }
    }
}
