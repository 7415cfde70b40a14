import Foundation
import CLibXML2

/// The namespaces and elements the feed reader knows, recognised from libxml2's byte strings
/// without making a `String` per element.
enum FeedNamespace: Equatable {
    case none, rss, atom, dc, dcterms, slash, thread, media, rdf, content, other

    /// The namespace of an element from its URI, or, where its prefix was never declared (feeds
    /// do write `<dc:date>` without `xmlns:dc`), from the prefix every feed uses for it.
    static func of(uri: UnsafePointer<xmlChar>?, prefix: UnsafePointer<xmlChar>?) -> FeedNamespace {
        guard let uri else {
            guard let prefix else { return .none }
            return byPrefix.first { equal(prefix, $0.0) }?.1 ?? .other
        }
        for (known, namespace) in byURI where equal(uri, known) { return namespace }
        // Atom 0.3 and the drafts before 1.0 (`http://purl.org/atom/ns#draft-ietf-atompub-…`).
        if startsWith(uri, "http://purl.org/atom/ns#") { return .atom }
        return .other
    }

    static let byURI: [(StaticString, FeedNamespace)] = [
        ("http://www.w3.org/2005/Atom", .atom),
        ("http://purl.org/dc/elements/1.1/", .dc),
        ("http://purl.org/dc/elements/1.0/", .dc),
        ("http://purl.org/dc/terms/", .dcterms),
        ("http://purl.org/rss/1.0/modules/slash/", .slash),
        ("http://purl.org/syndication/thread/1.0", .thread),
        ("http://search.yahoo.com/mrss/", .media),
        ("http://search.yahoo.com/mrss", .media),
        ("http://purl.org/rss/1.0/modules/content/", .content),
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", .rdf),
        // RSS 1.0 and 0.90 put their elements in these; some RSS 2.0 feeds in Userland's or Harvard's.
        ("http://purl.org/rss/1.0/", .rss),
        ("http://my.netscape.com/rdf/simple/0.9/", .rss),
        ("http://backend.userland.com/rss2", .rss),
        ("http://blogs.law.harvard.edu/tech/rss", .rss),
    ]

    static let byPrefix: [(StaticString, FeedNamespace)] = [
        ("dc", .dc), ("dcterms", .dcterms), ("slash", .slash), ("thr", .thread), ("media", .media),
        ("content", .content), ("rdf", .rdf), ("atom", .atom),
    ]

    static func equal(_ bytes: UnsafePointer<xmlChar>, _ literal: StaticString) -> Bool {
        strcmp(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self), UnsafeRawPointer(literal.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
    }

    static func startsWith(_ bytes: UnsafePointer<xmlChar>, _ literal: StaticString) -> Bool {
        strncmp(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self), UnsafeRawPointer(literal.utf8Start).assumingMemoryBound(to: CChar.self),
                literal.utf8CodeUnitCount) == 0
    }
}

/// The child elements of an item or entry whose text the reader keeps.
enum FeedField {
    case id, guid, link, title, body, published, updated, category, replies

    /// The field an item's child element fills, given the feed's flavour: in an Atom feed an
    /// element in no namespace is Atom's (Atom 0.3 and namespace-less feeds read like Atom 1.0);
    /// in RSS, RSS 1.0's namespace reads as none. `TITLE` and `ABSTRACT` are Microsoft's CDF.
    static func of(_ name: UnsafePointer<xmlChar>, in namespace: FeedNamespace, atomFeed: Bool) -> FeedField? {
        let space: FeedNamespace = switch namespace {
        case .none: atomFeed ? .atom : .none
        case .rss: .none
        default: namespace
        }
        func named(_ literal: StaticString) -> Bool { FeedNamespace.equal(name, literal) }
        switch space {
        case .none:
            if named("guid") { return .guid }
            if named("link") { return .link }
            if named("title") || named("TITLE") { return .title }
            if named("description") || named("ABSTRACT") { return .body }
            if named("pubDate") || named("pubdate") { return .published }
            if named("category") { return .category }
            // Atom's names in an RSS item without Atom's namespace, read as Atom's (as feedparser does).
            if named("id") { return .id }
            if named("published") || named("issued") || named("created") { return .published }
            if named("updated") || named("modified") { return .updated }
        case .atom:
            if named("id") { return .id }
            if named("title") { return .title }
            if named("summary") || named("content") { return .body }
            // Atom 0.3's issued and created are its published; modified its updated.
            if named("published") || named("issued") || named("created") { return .published }
            if named("updated") || named("modified") { return .updated }
        case .dc:
            if named("date") { return .updated }
            if named("subject") { return .category }
        case .dcterms:
            if named("issued") || named("created") || named("available") { return .published }
            if named("modified") || named("date") { return .updated }
        case .content:
            if named("encoded") { return .body }
        case .slash:
            if named("comments") { return .replies }
        case .thread:
            if named("total") { return .replies }
        default: break
        }
        return nil
    }
}
