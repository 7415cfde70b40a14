import CLibXML2
import Foundation
import PersonaModel
import PersonaUtilities

/// What a feed document held: its posts, and notes for the source's status on what was skipped
/// or repaired to read it.
struct FeedDocument {
    var posts: [Post]
    var notes: [String]
}

/// RSS 0.9x/1.0/2.0, RDF and Atom 0.3/1.0 through libxml2's SAX2 parser, directly.
///
/// The bytes are first made UTF-8 and repaired (`FeedInput`); libxml2 then parses them in
/// recovery mode, with undeclared entities resolved from HTML's table (`FeedSAXState.entity`).
/// A document is refused, with libxml2's first error and where it is, when:
/// - its root is not a feed's (`rss`, `RDF`, `feed`);
/// - it ends before its root element is closed and does not end with the root's end tag (it
///   was cut short: a partial feed must not read as a feed with fewer posts);
/// - errors were recovered from but no item could be read.
/// Otherwise errors recovered from are a note, and the items read are the posts. An item
/// without a date is skipped and counted in a note.
enum XMLFeedParser {
    /// libxml2 is initialised once, before any thread parses (its documented requirement).
    private static let ready: Void = xmlInitParser()

    static let options = Int32(XML_PARSE_RECOVER.rawValue | XML_PARSE_NOENT.rawValue | XML_PARSE_NONET.rawValue
        | XML_PARSE_HUGE.rawValue | XML_PARSE_IGNORE_ENC.rawValue)

    static func parse(_ data: Data, location: String) throws(SourceError) -> FeedDocument {
        _ = ready
        let input = try FeedInput.prepare(data, location: location)
        guard input.bytes.contains(where: { !TextDecoding.isSpace($0) }) else {
            throw SourceError(location: location, detail: "the document is empty")
        }
        guard input.bytes.count < Int(Int32.max) else {
            throw SourceError(location: location, detail: "the feed is over 2 GiB, too large to parse")
        }
        let state = FeedSAXState()
        let started = input.bytes.withUnsafeBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress,
                  let context = xmlCreateMemoryParserCtxt(UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(buffer.count)) else {
                return false
            }
            defer {
                if let document = context.pointee.myDoc { xmlFreeDoc(document) }
                xmlFreeParserCtxt(context)
            }
            xmlCtxtUseOptions(context, options)
            guard let handler = context.pointee.sax else { return false }
            install(handler)
            context.pointee._private = Unmanaged.passUnretained(state).toOpaque()
            xmlParseDocument(context)
            return true
        }
        guard started else { throw SourceError(location: location, detail: "libxml2 could not start a parser (out of memory?)") }
        return try document(from: state, input: input, location: location)
    }

    private static func document(from state: FeedSAXState, input: FeedInput, location: String) throws(SourceError) -> FeedDocument {
        let first = state.firstError
        func failure(_ what: String, at error: FeedSAXState.ParseError? = state.firstError) -> SourceError {
            SourceError(location: location, line: error?.line, column: error.map { max(1, $0.column) },
                        detail: what + (error.map { " (\($0.message))" } ?? ""))
        }
        guard state.flavor != nil else {
            guard let root = state.rootName else { throw failure("not an XML document") }
            throw SourceError(location: location, detail: "not an RSS, Atom or JSON feed (root element '\(root)')")
        }
        if !state.rootClosed, !endsWithRootTag(input.bytes, root: state.rootName ?? "") {
            throw failure("malformed XML feed: the document ends before its elements are closed", at: state.lastError)
        }
        if state.errors > 0, state.items.isEmpty {
            throw failure("malformed XML feed")
        }
        var posts: [Post] = []
        posts.reserveCapacity(state.items.count)
        var undated = 0
        var unreadable: [(String, Int)] = []
        for item in state.items {
            switch item.post() {
            case .success(let post): posts.append(post)
            case .failure(.undated): undated += 1
            case .failure(.unreadableDate(let text)): unreadable.append((text, item.line))
            }
        }
        var notes: [String] = []
        if undated + unreadable.count > 0 {
            var reasons: [String] = []
            if undated > 0 { reasons.append("\(undated) without a date") }
            if let (text, line) = unreadable.first {
                reasons.append("\(unreadable.count) with a date in no form the reader knows (first: '\(text.prefix(60))', line \(line))")
            }
            notes.append("\(undated + unreadable.count) of \(state.items.count) items skipped: " + reasons.joined(separator: ", "))
        }
        notes += repairNotes(input, state: state)
        if let first, state.errors > 0 {
            notes.append("recovered from \(state.errors) XML error\(state.errors == 1 ? "" : "s"); the first at line \(first.line), column \(max(1, first.column)): \(first.message)")
        }
        return FeedDocument(posts: posts, notes: notes)
    }

    private static func repairNotes(_ input: FeedInput, state: FeedSAXState) -> [String] {
        var notes: [String] = []
        let repairs = input.repairs
        if repairs.windows1252 { notes.append("declared ISO-8859-1 but uses 0x80–0x9F: read as windows-1252") }
        if repairs.invalidBytes > 0 {
            let how = input.encoding == "UTF-8" ? "read as windows-1252" : "replaced by U+FFFD"
            notes.append("\(repairs.invalidBytes) byte\(repairs.invalidBytes == 1 ? "" : "s") not valid \(input.encoding): \(how)")
        }
        if repairs.bareAmpersands > 0 { notes.append("\(repairs.bareAmpersands) bare '&' read as '&amp;'") }
        if repairs.controlCharacters > 0 { notes.append("\(repairs.controlCharacters) control characters XML forbids read as spaces") }
        if state.unknownEntities > 0 { notes.append("\(state.unknownEntities) references to unknown entities kept as text") }
        return notes
    }

    /// Whether the document's last bytes are the root's end tag (`</rss>`, `</rdf:RDF>`): a
    /// document whose tags a recovered error left unbalanced, not one cut short.
    static func endsWithRootTag(_ bytes: [UInt8], root: String) -> Bool {
        guard let last = bytes.lastIndex(where: { !TextDecoding.isSpace($0) }), bytes[last] == UInt8(ascii: ">"),
              let open = bytes[..<last].lastIndex(of: UInt8(ascii: "<")) else { return false }
        let tag = String(decoding: bytes[(open + 1)..<last], as: UTF8.self)
        guard tag.hasPrefix("/") else { return false }
        let name = TextDecoding.trimmed(String(tag.dropFirst()))
        return name == root || name.hasSuffix(":" + root)
    }

    /// The reader's callbacks in a context's SAX2 handler. libxml2's own handlers stay for the
    /// document and its DTD; those that would build a tree or store entity declarations go.
    private static func install(_ handler: UnsafeMutablePointer<xmlSAXHandler>) {
        handler.pointee.startElementNs = { context, name, prefix, uri, _, _, count, _, attributes in
            guard let name else { return }
            FeedSAXState.with(context) { state in
                state.start(name, prefix: prefix, uri: uri, attributes: attributes, count: Int(count), line: Int(xmlSAX2GetLineNumber(context)))
            }
        }
        handler.pointee.endElementNs = { context, _, _, _ in FeedSAXState.with(context) { $0.end() } }
        let characters: charactersSAXFunc = { context, bytes, count in
            guard let bytes, count > 0 else { return }
            FeedSAXState.with(context) { $0.characters(bytes, Int(count)) }
        }
        handler.pointee.characters = characters
        handler.pointee.ignorableWhitespace = characters
        handler.pointee.cdataBlock = characters
        handler.pointee.getEntity = { context, name in
            guard let name else { return nil }
            return FeedSAXState.of(context)?.entity(name)
        }
        handler.pointee.serror = { context, error in
            guard let error else { return }
            FeedSAXState.of(context)?.error(error.pointee)
        }
        handler.pointee.entityDecl = nil
        handler.pointee.unparsedEntityDecl = nil
        handler.pointee.reference = nil
        handler.pointee.comment = nil
        handler.pointee.processingInstruction = nil
        handler.pointee.warning = nil
        handler.pointee.error = nil
        handler.pointee.fatalError = nil
    }
}
