import CLibXML2
import Foundation

/// What one parse collects as libxml2's SAX2 callbacks arrive: the root, the items, the text of
/// the item field being read, and the errors. Reached from a callback through the parser
/// context's `_private` pointer (the context is the callbacks' user data, so libxml2's own SAX2
/// handlers, kept for the document and its DTD, work as they expect).
///
/// Text is gathered as bytes, and only inside an item field the reader keeps: no `String` is
/// made per callback.
final class FeedSAXState {
    enum Flavor { case rss, atom }

    /// An error libxml2 reported, in its own words.
    struct ParseError {
        var message: String
        var line: Int
        var column: Int
    }

    private(set) var rootName: String?
    private(set) var flavor: Flavor?
    private(set) var rootClosed = false
    private(set) var items: [FeedItem] = []
    private(set) var firstError: ParseError?
    /// The last: for a document cut short, the one that says where it ended.
    private(set) var lastError: ParseError?
    private(set) var errors = 0
    private var errorsSinceCallback = false
    /// Undeclared entities that are not HTML's either, kept as text (a note says how many).
    private(set) var unknownEntities = 0

    private var depth = 0
    private var itemDepth = 0
    private var item = FeedItem()
    private var field: FeedField?
    private var fieldDepth = 0
    private var guidIsPermaLink = true
    private var text: [UInt8] = []
    private var entities: [String: UnsafeMutablePointer<xmlEntity>] = [:]
    /// The namespace of the last URI seen, by address: libxml2 interns URIs in its dictionary,
    /// so a document's elements share a handful of addresses.
    private var lastURI: UnsafePointer<xmlChar>?
    private var lastNamespace = FeedNamespace.none

    deinit {
        for entity in entities.values {
            free(UnsafeMutableRawPointer(mutating: entity.pointee.name))
            free(entity.pointee.content)
            entity.deallocate()
        }
    }

    static func of(_ context: UnsafeMutableRawPointer?) -> FeedSAXState? {
        guard let opaque = context?.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else { return nil }
        return Unmanaged<FeedSAXState>.fromOpaque(opaque).takeUnretainedValue()
    }

    /// Runs `body` on the state of `context` without retaining it: the parse holds the state
    /// for as long as callbacks arrive (`XMLFeedParser.parse`), and these run millions of times.
    ///
    /// - Important: after an error, libxml2 drops every entity reference it meets (`&amp;`
    ///   included: `?a=1&amp;b=2` would read `?a=1b=2`) while its context says the document
    ///   is not well-formed. The reader counts errors itself, so the flag is set back at the
    ///   next callback, and recovery loses no text.
    @inline(__always)
    static func with(_ context: UnsafeMutableRawPointer?, _ body: (FeedSAXState) -> Void) {
        guard let parser = context?.assumingMemoryBound(to: xmlParserCtxt.self), let opaque = parser.pointee._private else { return }
        Unmanaged<FeedSAXState>.fromOpaque(opaque)._withUnsafeGuaranteedRef { state in
            if state.errorsSinceCallback {
                parser.pointee.wellFormed = 1
                state.errorsSinceCallback = false
            }
            body(state)
        }
    }

    typealias Attributes = UnsafeMutablePointer<UnsafePointer<xmlChar>?>

    func start(_ name: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?,
               attributes: Attributes?, count: Int, line: Int) {
        depth += 1
        let namespace: FeedNamespace
        if let uri, uri == lastURI {
            namespace = lastNamespace
        } else {
            namespace = FeedNamespace.of(uri: uri, prefix: prefix)
            if uri != nil {
                lastURI = uri
                lastNamespace = namespace
            }
        }
        func named(_ literal: StaticString) -> Bool { FeedNamespace.equal(name, literal) }
        if depth == 1 {
            rootName = String(cString: UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
            // `CHANNEL`: Microsoft's Channel Definition Format, read like RSS (its items are `ITEM`).
            if named("rss") || named("RDF") || named("channel") || named("CHANNEL") { flavor = .rss }
            if named("feed"), namespace == .atom || namespace == .none { flavor = .atom }
            return
        }
        guard let flavor else { return }
        let atomFeed = flavor == .atom
        // An Atom feed's `<item>` is read as an entry, as feedparser does.
        let isItem = atomFeed ? (named("entry") || named("item")) && (namespace == .atom || namespace == .none)
            : (named("item") || named("ITEM")) && (namespace == .none || namespace == .rss)
        if isItem {
            if itemDepth != 0 { finishItem() } // an item a recovered error left open
            itemDepth = depth
            item = FeedItem(line: line)
            // RSS 1.0 names an item by its rdf:about.
            item.id = Self.attribute(attributes, count, "about")
            // A CDF item's date and address are attributes.
            if let modified = Self.attribute(attributes, count, "LASTMOD") { item.date(modified, published: false) }
            item.link = Self.attribute(attributes, count, "HREF")
            return
        }
        guard itemDepth != 0 else { return }
        let atomNamespace = namespace == .atom || (atomFeed && namespace == .none)
        if depth == itemDepth + 1 {
            if named("link"), atomNamespace || Self.attribute(attributes, count, "href") != nil {
                // Atom's link, or Atom's form of it in an RSS item.
                link(attributes, count)
            } else if named("category"), let term = Self.attribute(attributes, count, "term"), !term.isEmpty {
                item.tags.append(term.lowercased())
            }
            if let known = FeedField.of(name, in: namespace, atomFeed: atomFeed) {
                field = known
                fieldDepth = depth
                text.removeAll(keepingCapacity: true)
                if known == .guid { guidIsPermaLink = Self.attribute(attributes, count, "isPermaLink")?.lowercased() != "false" }
            }
        } else if namespace == .media, named("starRating"), let count = Self.attribute(attributes, count, "count").flatMap({ Int($0) }) {
            item.likes = count
        }
    }

    /// An Atom link in an item: `rel="alternate"` (the default) is its address, `rel="replies"`
    /// with `thr:count` its comment count.
    private func link(_ attributes: Attributes?, _ count: Int) {
        let rel = Self.attribute(attributes, count, "rel") ?? "alternate"
        if rel == "alternate", item.link == nil, let href = Self.attribute(attributes, count, "href"), !href.isEmpty { item.link = href }
        if rel == "replies", let replies = Self.attribute(attributes, count, "count").flatMap({ Int($0) }) {
            item.replies = max(item.replies ?? 0, replies)
        }
    }

    func end() {
        defer {
            depth -= 1
            if depth == 0 { rootClosed = true }
        }
        if itemDepth != 0, depth == itemDepth {
            finishItem()
        } else if let current = field, depth == fieldDepth {
            commit(current)
            field = nil
        }
    }

    func characters(_ bytes: UnsafePointer<xmlChar>, _ count: Int) {
        guard field != nil else { return }
        text.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
    }

    private func commit(_ field: FeedField) {
        let value = TextDecoding.trimmed(String(decoding: text, as: UTF8.self))
        guard !value.isEmpty else { return }
        switch field {
        case .id: item.id = value
        case .guid:
            item.id = value
            item.guidIsPermaLink = guidIsPermaLink
        case .link: item.link = value
        case .title:
            item.title = value.utf8.contains(UInt8(ascii: "<")) ? TextDecoding.stripTags(value) : TextDecoding.decodeEntities(value)
        case .body: if item.body.isEmpty { item.body = value } // stripped only if the item has no title
        case .published: item.date(value, published: true)
        case .updated: item.date(value, published: false)
        case .category: item.tags.append(value.lowercased())
        case .replies: if let count = Int(value) { item.replies = max(item.replies ?? 0, count) }
        }
    }

    private func finishItem() {
        if let current = field { commit(current) }
        field = nil
        items.append(item)
        itemDepth = 0
    }

    /// An entity the document uses but does not declare (feeds use HTML's, `&nbsp;` and
    /// `&eacute;`, without a DTD): HTML's character if it is one, else the reference kept as
    /// text. Handed to libxml2 as a predefined entity, which it inlines as text.
    ///
    /// - Important: declared entities are never stored (the reader installs no `entityDecl`), so
    ///   a document's own entities, and with them entity-expansion bombs, resolve here too.
    func entity(_ name: UnsafePointer<xmlChar>) -> xmlEntityPtr? {
        let key = String(cString: UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
        let html = htmlEntityLookup(name)
        if html == nil { unknownEntities += 1 }
        if let known = entities[key] { return known }
        let content = html.flatMap { Unicode.Scalar($0.pointee.value) }.map { String(Character($0)) } ?? "&\(key);"
        let entity = UnsafeMutablePointer<xmlEntity>.allocate(capacity: 1)
        entity.initialize(to: xmlEntity())
        entity.pointee.type = XML_ENTITY_DECL
        entity.pointee.etype = XML_INTERNAL_PREDEFINED_ENTITY
        entity.pointee.name = UnsafePointer(strdup(key).map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: xmlChar.self) })
        entity.pointee.content = strdup(content).map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: xmlChar.self) }
        entity.pointee.length = Int32(content.utf8.count)
        entities[key] = entity
        return entity
    }

    func error(_ error: xmlError) {
        guard error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        // An undeclared namespace prefix (`<dc:date>` without `xmlns:dc`) is read by its prefix.
        guard error.domain != Int32(XML_FROM_NAMESPACE.rawValue) else { return }
        errors += 1
        errorsSinceCallback = true
        let message = error.message.map { String(cString: $0) } ?? "error \(error.code)"
        lastError = ParseError(message: TextDecoding.trimmed(message), line: Int(error.line), column: Int(error.int2))
        if firstError == nil { firstError = lastError }
    }

    static func attribute(_ attributes: Attributes?, _ count: Int, _ name: StaticString) -> String? {
        guard let attributes else { return nil }
        for index in 0..<count {
            let base = attributes + index * 5
            guard let local = base[0], FeedNamespace.equal(local, name), let start = base[3], let end = base[4] else { continue }
            return String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
        }
        return nil
    }
}
