import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PersonaModel
import PersonaUtilities

/// RSS and Atom through Foundation's `XMLParser` (libxml2), namespace-aware.
final class XMLFeedParser: NSObject, XMLParserDelegate {
    static let atom = "http://www.w3.org/2005/Atom"
    static let slash = "http://purl.org/rss/1.0/modules/slash/"
    static let thread = "http://purl.org/syndication/thread/1.0"
    static let dublinCore = "http://purl.org/dc/elements/1.1/"
    static let media = "http://search.yahoo.com/mrss/"
    /// RSS 1.0 (RDF) puts its item elements in this namespace; RSS 2.0 in none. Both read alike.
    static let rss1 = "http://purl.org/rss/1.0/"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

    private struct Item {
        var id: String?
        var link: String?
        var title = ""
        var body = ""
        var date: Date?
        var updated: Date?
        var tags: [String] = []
        var replies: Int?
        /// Media RSS `media:starRating@count` (YouTube's likes).
        var likes: Int?
    }

    private var root: String?
    private var depth = 0
    private(set) var rootClosed = false
    private var item: Item?
    private var text = ""
    private var items: [Item] = []
    private var errorLine: Int?
    /// The first error libxml2 reported: later ones follow from it.
    private var errorCode: Int?

    static func parse(_ data: Data, location: String) throws(SourceError) -> [Post] {
        let delegate = XMLFeedParser()
        let parser = XMLParser(data: try XMLInput.utf8(data, location: location))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        // XMLParser may return true for a document cut short, with or without `parserError` set:
        // a feed is complete only when its root element was closed.
        let parsed = parser.parse()
        let code = delegate.errorCode ?? (parser.parserError as NSError?)?.code
        // A complete document over 10 MB draws a false internal error (see `internalError`).
        let hugeInputFalseAlarm = code == Self.internalError && delegate.rootClosed
        if (!parsed || code != nil) && !hugeInputFalseAlarm {
            let reason = code == 5 && !delegate.rootClosed ? "the document ends before its elements are closed"
                : code.map(describe) ?? "unknown error"
            throw SourceError(location: location, line: delegate.errorLine ?? parser.lineNumber, detail: "malformed XML feed (\(reason))")
        }
        if delegate.root != nil, !delegate.rootClosed {
            throw SourceError(location: location, line: parser.lineNumber, detail: "malformed XML feed (the document ends before its elements are closed)")
        }
        guard let root = delegate.root, ["rss", "feed", "RDF"].contains(root) else {
            throw SourceError(location: location, detail: "not an RSS, Atom or JSON feed (root element '\(delegate.root ?? "none")')")
        }
        return delegate.items.compactMap { item in
            guard let date = item.date ?? item.updated, let id = item.id ?? item.link else { return nil }
            return Post(
                id: id, createdAt: date, kind: .original,
                text: item.title.isEmpty ? TextDecoding.stripTags(item.body) : item.title, url: item.link, tags: item.tags,
                counts: EngagementCounts(replies: item.replies, likes: item.likes))
        }
    }

    /// Foundation on Linux hands over libxml2's own error codes (`xmlParserErrors`), with no
    /// message: name the common ones.
    static func describe(_ code: Int) -> String {
        switch code {
        case 1: return "the XML parser failed internally"
        case 4: return "the document is empty"
        case 5: return "content after the end of the document, or a document cut short"
        case 9: return "an invalid character"
        case 22, 23, 68: return "a bare '&' or a broken entity reference"
        case 73, 77: return "an unfinished tag"
        case 76: return "an end tag does not match its start tag"
        default: return "XML error \(code)"
        }
    }

    /// libxml2's XML_ERR_INTERNAL_ERROR, which it also reports after a complete document of over
    /// 10 MB when XML_PARSE_HUGE is off (XMLParser leaves it off).
    static let internalError = 1

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if root == nil { root = name }
        depth += 1
        text = ""
        if name == "item" || (name == "entry" && namespaceURI == Self.atom) {
            item = Item()
            // RSS 1.0 identifies an item by its rdf:about attribute.
            item?.id = attributes["rdf:about"] ?? attributes["about"]
            return
        }
        guard item != nil else { return }
        if name == "link", namespaceURI == Self.atom {
            let rel = attributes["rel"] ?? "alternate"
            if rel == "alternate", item?.link == nil { item?.link = attributes["href"] }
            if rel == "replies", let count = attributes["thr:count"].flatMap({ Int($0) }) ?? attributes["count"].flatMap({ Int($0) }) {
                let previous = item?.replies ?? 0
                item?.replies = max(previous, count)
            }
        } else if name == "starRating", namespaceURI == Self.media, let count = attributes["count"].flatMap({ Int($0) }) {
            item?.likes = count
        } else if name == "category", let term = attributes["term"], !term.isEmpty {
            item?.tags.append(term.lowercased())
        } else if name == "item" || name == "entry" {
            item = Item()
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if errorLine == nil {
            errorLine = parser.lineNumber
            errorCode = (parseError as NSError).code
        }
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) { text += String(decoding: block, as: UTF8.self) }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        depth -= 1
        if depth == 0 { rootClosed = true }
        defer { text = "" }
        guard var current = item else { return }
        let value = TextDecoding.trimmed(text)
        // RSS 1.0's namespace reads as RSS 2.0's (none).
        let namespace = namespaceURI == Self.rss1 ? "" : (namespaceURI ?? "")
        switch (namespace, name) {
        case (_, "item"), (Self.atom, "entry"):
            items.append(current)
            item = nil
            return
        case ("", "guid"), (Self.atom, "id"): current.id = value.isEmpty ? current.id : value
        case ("", "link"): if !value.isEmpty { current.link = value }
        case ("", "title"), (Self.atom, "title"):
            current.title = value.utf8.contains(UInt8(ascii: "<")) ? TextDecoding.stripTags(value) : TextDecoding.decodeEntities(value)
        case ("", "description"), (Self.atom, "summary"), (Self.atom, "content"):
            if current.body.isEmpty { current.body = value } // stripped only if the item has no title
        case ("", "pubDate"): current.date = DateParsing.rfc822(value) ?? DateParsing.iso8601(value)
        case (Self.dublinCore, "date"): current.date = current.date ?? DateParsing.iso8601(value)
        case (Self.atom, "published"): current.date = DateParsing.iso8601(value)
        case (Self.atom, "updated"): current.updated = DateParsing.iso8601(value)
        case ("", "category"), (Self.dublinCore, "subject"): if !value.isEmpty { current.tags.append(value.lowercased()) }
        case (Self.slash, "comments"), (Self.thread, "total"):
            if let count = Int(value) { current.replies = max(current.replies ?? 0, count) }
        default: break
        }
        item = current
    }
}
