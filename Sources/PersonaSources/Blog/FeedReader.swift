import Foundation
import PersonaModel
import PersonaUtilities

/// Reads a syndication feed: RSS 0.9x/1.0/2.0 and RDF, Atom 0.3/1.0, or JSON Feed 1.x.
///
/// Conversation counts come from `slash:comments` (RSS), `thr:total` or
/// `<link rel="replies" thr:count="…">` (Atom); where an item has none, its reply count is
/// unmeasured rather than zero. Feeds carry no share or like counts.
public struct FeedReader: DocumentReader {
    public static let unmeasurable: [Metric: String] = [
        .amplification: "feeds publish no share or repost counts",
        .applause: "feeds publish no like counts",
        .responsiveness: "a feed lists only the author's own articles, not the author's answers to comments",
    ]

    public init() {}

    public func read(_ data: Data, location: String, handle: String) throws(SourceError) -> Observation {
        let first = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) }
        guard first != UInt8(ascii: "{") else {
            return Observation(posts: try JSONFeedParser.parse(data, location: location), unmeasurable: Self.unmeasurable)
        }
        let document = try XMLFeedParser.parse(data, location: location)
        var observation = Observation(posts: document.posts, unmeasurable: Self.unmeasurable)
        observation.notes = document.notes
        return observation
    }
}
