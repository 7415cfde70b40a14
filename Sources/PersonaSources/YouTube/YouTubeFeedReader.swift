import Foundation
import PersonaModel

/// Reads a YouTube channel's or playlist's Atom feed (`/feeds/videos.xml?channel_id=…`).
///
/// `media:group/media:community/media:starRating@count` is the video's like count (applause).
/// The feed has no comment or share counts, and holds only the ~15 newest videos: the store's
/// history is what makes a longer window.
public struct YouTubeFeedReader: DocumentReader {
    public static let unmeasurable: [Metric: String] = [
        .conversation: "YouTube feeds publish no comment counts",
        .amplification: "YouTube feeds publish no share counts",
        .responsiveness: "a channel feed lists only uploads, not the channel's replies to comments",
    ]

    public init() {}

    /// A channel id (`UC…`) or a playlist id (`PL…`, `UU…`) as the handle gives the feed's URL.
    public static func defaultURL(handle: String) -> String? {
        let id = TextDecoding.trimmed(handle)
        guard id.count >= 12, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        if id.hasPrefix("UC") { return "https://www.youtube.com/feeds/videos.xml?channel_id=\(id)" }
        if id.hasPrefix("PL") || id.hasPrefix("UU") { return "https://www.youtube.com/feeds/videos.xml?playlist_id=\(id)" }
        return nil
    }

    public func read(_ data: Data, location: String, handle: String) throws(SourceError) -> Observation {
        let document = try XMLFeedParser.parse(data, location: location)
        var observation = Observation(posts: document.posts, unmeasurable: Self.unmeasurable)
        observation.notes = document.notes
        return observation
    }
}
