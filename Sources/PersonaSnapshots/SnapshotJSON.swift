import Foundation
import PersonaModel
import PersonaUtilities

/// Writes snapshot files: pretty-printed JSON with sorted keys and explicit nulls, dates in RFC
/// 3339 (UTC, whole seconds), the shape `SnapshotCoding.decoder()` reads back.
///
/// Hand-written because a cycle writes thousands of snapshots and Foundation's `JSONEncoder`
/// was the largest single cost of a full cycle (see Docs/benchmarks.md). The tests decode its
/// output with `JSONDecoder` and validate it against the published schema.
public enum SnapshotJSON {
    /// A JSON value with object members kept in the order given (callers give them sorted).
    indirect enum Value: Sendable {
        case object([(String, Value)])
        case array([Value])
        case string(String)
        case number(Double)
        case integer(Int)
        case bool(Bool)
        case null
        /// A value that moves with the clock alone (a time, an HTTP status that only says "still
        /// fine"): written as `full` in files, as `stable` in the fingerprint (nil: left out).
        case clock(Value, stable: Value?)
    }

    public static func encode(_ snapshot: PersonaSnapshot) -> Data {
        render(value(snapshot))
    }

    /// A snapshot turned into its JSON tree once: its fingerprint and, if it is to be written, its
    /// file bytes both come from that one tree (a cycle fingerprints thousands of snapshots).
    public struct Prepared: Sendable {
        let value: Value
        public let fingerprint: String

        public init(_ snapshot: PersonaSnapshot) {
            value = SnapshotJSON.value(snapshot)
            fingerprint = SnapshotFingerprint.of(value)
        }

        /// The file's bytes.
        public var data: Data { SnapshotJSON.render(value) }
    }

    public static func encode(_ index: SnapshotIndex) -> Data {
        render(.object([
            ("generated_at", date(index.generatedAt)),
            ("personas", .array(index.personas.map { entry in
                .object([
                    ("file", .string(entry.file)),
                    ("generated_at", date(entry.generatedAt)),
                    ("id", .string(entry.id)),
                    ("network", .string(entry.network.rawValue)),
                    ("score", number(entry.score)),
                    ("status", .string(entry.status.rawValue)),
                ])
            })),
            ("schema_version", .integer(index.schemaVersion)),
        ]))
    }

    /// A score history entry: the score section a snapshot would hold, with its topics.
    ///
    /// Important: an entry is kept compact, since the store keeps one per change for weeks: the
    /// posts cited as evidence (of components and topics) and the network's calibration are left
    /// out (written as `[]` and `null`, so an entry still decodes as a score). The snapshot shows
    /// the evidence of the current score; history keeps values, intervals, reasons and samples.
    public static func encodeHistory(_ score: Score) -> Data {
        var compact = score
        for index in compact.components.indices { compact.components[index].evidence = [] }
        for index in compact.topics.details.indices { compact.topics.details[index].evidence = [] }
        compact.calibration = nil
        var members = scoreMembers(PersonaSnapshot.ScoreSection(score: compact, status: compact.status, statusReason: compact.reason))
        members.append(("topics", topics(compact.topics)))
        return render(.object(members.sorted { $0.0 < $1.0 }), pretty: false)
    }

    static func topics(_ topics: Topics) -> Value {
        .object([
            ("details", .array(topics.details.map(topic))),
            ("expertise", .array(topics.expertise.map(Value.string))),
            ("interests", .array(topics.interests.map(Value.string))),
        ])
    }

    static func scoreMembers(_ score: PersonaSnapshot.ScoreSection) -> [(String, Value)] {
        [
            ("calibration", score.calibration.map(calibration) ?? .null),
            ("components", .array(score.components.map(component))),
            ("coverage", number(score.coverage)),
            ("formula_version", .string(score.formulaVersion)),
            ("interval", interval(score.interval)),
            ("minimum_posts", score.minimumPosts.map(Value.integer) ?? .null),
            ("previous", score.previous.map(previous) ?? .null),
            ("sample", .object([
                ("authentic_share", number(score.sample.authenticShare)),
                ("endorsements_received", integer(score.sample.endorsementsReceived)),
                ("interactions", .integer(score.sample.interactions)),
                ("invitations_received", integer(score.sample.invitationsReceived)),
                ("messages_received", integer(score.sample.messagesReceived)),
                ("originals", integer(score.sample.originals)),
                ("posts", .integer(score.sample.posts)),
                ("reactions", integer(score.sample.reactions)),
                ("recommendations_received", integer(score.sample.recommendationsReceived)),
                ("replies", integer(score.sample.replies)),
                ("self_replies_left_out", integer(score.sample.selfRepliesLeftOut)),
            ])),
            ("status", .string(score.status.rawValue)),
            ("status_reason", string(score.statusReason)),
            ("value", number(score.value)),
            ("window", .clock(.object([("end", date(score.window.end)), ("start", date(score.window.start))]), stable: nil)),
        ]
    }

    static func value(_ snapshot: PersonaSnapshot) -> Value {
        .object([
            ("generated_at", .clock(date(snapshot.generatedAt), stable: nil)),
            ("persona", .object([
                ("handle", .string(snapshot.persona.handle)),
                ("id", .string(snapshot.persona.id)),
                ("network", .string(snapshot.persona.network.rawValue)),
            ])),
            ("schema_version", .integer(snapshot.schemaVersion)),
            ("score", .object((scoreMembers(snapshot.score) + [("posts", posts(snapshot.score.posts))]).sorted { $0.0 < $1.0 })),
            ("sources", .array(snapshot.sources.map { source in
                .object([
                    ("archives", source.archives.map { archives in
                        .array(archives.map { archive in
                            .object([
                                ("digest", .string(archive.digest)),
                                ("modified", date(archive.modified)),
                                ("path", .string(archive.path)),
                                ("posts", .integer(archive.posts)),
                                ("read_at", date(archive.readAt)),
                            ])
                        })
                    } ?? .null),
                    ("consecutive_failures", .integer(source.consecutiveFailures)),
                    ("http_status", .clock(source.httpStatus.map(Value.integer) ?? .null,
                                           stable: .string(SnapshotFingerprint.statusClass(source.httpStatus)))),
                    ("kind", .string(source.kind.rawValue)),
                    ("last_attempt", .clock(date(source.lastAttempt), stable: nil)),
                    ("last_error", string(source.lastError)),
                    ("last_success", .clock(date(source.lastSuccess), stable: nil)),
                    ("location", .string(source.location)),
                    ("next_attempt", .clock(date(source.nextAttempt), stable: nil)),
                    ("notes", .array((source.notes ?? []).map(Value.string))),
                    ("status", .string(source.status.rawValue)),
                ])
            })),
            ("topics", topics(snapshot.topics)),
        ])
    }

    static func evidence(_ evidence: Evidence) -> Value {
        .object([
            ("count", .integer(evidence.count)), ("detail", string(evidence.detail)), ("post_id", .string(evidence.postId)),
            ("url", string(evidence.url)),
        ])
    }

    static func calibration(_ calibration: Calibration) -> Value {
        .object([
            ("basis", .string(calibration.basis.rawValue)),
            ("constants", .object(calibration.constants.sorted { $0.key < $1.key }.map { ($0.key, Value.number($0.value)) })),
            ("network", .string(calibration.network.rawValue)),
            ("note", .string(calibration.note)),
        ])
    }

    static func previous(_ previous: PersonaSnapshot.PreviousScore) -> Value {
        .object([
            ("components", .array(previous.components.map { part in
                .object([("contribution", number(part.contribution)), ("name", .string(part.name)), ("normalized", number(part.normalized))])
            })),
            ("formula_version", .string(previous.formulaVersion)),
            ("generated_at", date(previous.generatedAt)),
            ("status", .string(previous.status.rawValue)),
            ("value", number(previous.value)),
        ])
    }

    static func topic(_ detail: TopicDetail) -> Value {
        .object([
            ("baseline_response", number(detail.baselineResponse)),
            ("effect_size", number(detail.effectSize)),
            ("evidence", .array(detail.evidence.map(evidence))),
            ("expertise", .bool(detail.expertise)),
            ("median_response", number(detail.medianResponse)),
            ("p_value", number(detail.pValue)),
            ("posts", .integer(detail.posts)),
            ("reason", .string(detail.reason)),
            ("share", .number(detail.share)),
            ("test", string(detail.test)),
            ("topic", .string(detail.topic)),
        ])
    }

    static func component(_ component: Component) -> Value {
        .object([
            ("contribution", number(component.contribution)),
            ("evidence", .array(component.evidence.map(evidence))),
            ("factor", .number(component.factor)),
            ("interval", interval(component.interval)),
            ("measured", .bool(component.measured)),
            ("name", .string(component.name)),
            ("normalized", number(component.normalized)),
            ("raw", number(component.raw)),
            ("reason", .string(component.reason)),
            ("weight", .number(component.weight)),
        ])
    }

    /// `score.posts`: snapshots only; history entries leave them out (the store keeps the posts).
    static func posts(_ posts: [PostCount]?) -> Value {
        guard let posts else { return .null }
        func counts(_ counts: PostCount.Counts) -> Value {
            .object([("likes", number(counts.likes)), ("replies", number(counts.replies)), ("reposts", number(counts.reposts))])
        }
        return .array(posts.map { post in
            .object([
                ("addressed", .number(post.addressed)),
                ("answer_credit", number(post.answerCredit)),
                ("counted", counts(post.counted)),
                ("created_at", date(post.createdAt)),
                ("kind", .string(post.kind.rawValue)),
                ("post_id", .string(post.postId)),
                ("reported", counts(post.reported)),
                ("url", string(post.url)),
            ])
        })
    }

    static func interval(_ value: Interval?) -> Value {
        value.map { .object([("high", .number($0.high)), ("low", .number($0.low))]) } ?? .null
    }

    static func string(_ value: String?) -> Value { value.map(Value.string) ?? .null }
    static func number(_ value: Double?) -> Value { value.map(Value.number) ?? .null }
    static func integer(_ value: Int?) -> Value { value.map(Value.integer) ?? .null }
    static func date(_ value: Date?) -> Value { value.map { .string(rfc3339($0)) } ?? .null }

    /// `2026-11-27T02:41:52Z`, computed without a formatter (civil-from-days, Howard Hinnant).
    public static func rfc3339(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let hour = secondOfDay / 3600, minute = secondOfDay % 3600 / 60, second = secondOfDay % 60
        let yearText = year < 1000 ? String(repeating: "0", count: 4 - "\(year)".count) + "\(year)" : "\(year)"
        return "\(yearText)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))Z"
    }

    /// `pretty`: two-space indentation, one member per line (snapshot files); otherwise compact
    /// (history entries in the store). `clock: false` renders the fingerprint's form: clock-driven
    /// values as their stable stand-ins, or left out.
    static func render(_ value: Value, pretty: Bool = true, clock: Bool = true) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(value, indent: pretty ? 0 : nil, clock: clock, into: &out)
        if pretty { out.append(0x0A) }
        return Data(out)
    }

    private static func newline<Sink: ByteSink>(_ indent: Int?, into out: inout Sink) {
        guard let indent else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
    }

    static func write<Sink: ByteSink>(_ value: Value, indent: Int?, clock: Bool, into out: inout Sink) {
        let inner = indent.map { $0 + 2 }
        switch value {
        case .clock(let full, let stable):
            write(clock ? full : stable ?? .null, indent: indent, clock: clock, into: &out)
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let number) where Sink.hashesNumbers: out.hash(UInt64(bitPattern: Int64(number)))
        case .integer(let number): out.append(contentsOf: String(number).utf8)
        case .number(let number) where Sink.hashesNumbers && number.isFinite:
            out.hash(number == 0 ? 0 : number.bitPattern) // -0 is written as 0
        case .number(let number):
            if !number.isFinite {
                out.append(contentsOf: "null".utf8)
            } else if number == number.rounded(), abs(number) < 1e15 {
                out.append(contentsOf: String(Int(number)).utf8)
            } else {
                out.append(contentsOf: "\(number)".utf8)
            }
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            if elements.isEmpty { newline(inner.map { _ in 0 }, into: &out) }
            for (index, element) in elements.enumerated() {
                newline(inner, into: &out)
                write(element, indent: inner, clock: clock, into: &out)
                if index < elements.count - 1 { out.append(UInt8(ascii: ",")) }
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let all):
            let members = clock ? all : all.filter { if case .clock(_, nil) = $0.1 { false } else { true } }
            out.append(UInt8(ascii: "{"))
            if members.isEmpty { newline(inner.map { _ in 0 }, into: &out) }
            for (index, (key, member)) in members.enumerated() {
                newline(inner, into: &out)
                writeString(key, into: &out)
                out.append(contentsOf: (indent == nil ? ":" : " : ").utf8)
                write(member, indent: inner, clock: clock, into: &out)
                if index < members.count - 1 { out.append(UInt8(ascii: ",")) }
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString<Sink: ByteSink>(_ text: String, into out: inout Sink) {
        // Over the string's contiguous bytes: its `utf8` view, iterated through the collection's
        // generic witnesses, was a tenth of every snapshot's rendering.
        var text = text
        text.withUTF8 { utf8 in
            if Sink.hashesNumbers {
                // A hash needs no escaping: the length, then the bytes, tell strings apart.
                out.hash(UInt64(utf8.count))
                out.append(contentsOf: utf8)
                return
            }
            out.append(UInt8(ascii: "\""))
            // Most strings need no escaping: copy them whole.
            if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                out.append(contentsOf: utf8)
                out.append(UInt8(ascii: "\""))
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
                case 0x0A: out.append(contentsOf: "\\n".utf8)
                case 0x0D: out.append(contentsOf: "\\r".utf8)
                case 0x09: out.append(contentsOf: "\\t".utf8)
                case 0x08: out.append(contentsOf: "\\b".utf8)
                case 0x0C: out.append(contentsOf: "\\f".utf8)
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0x0F)])
                default: out.append(byte)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
    }
}

/// Where `SnapshotJSON` writes: an array of bytes (a file), or a hash fed byte by byte (a
/// fingerprint, computed without holding the rendering).
///
/// A hash takes numbers as their 64 bits rather than their text (formatting a number allocates) and
/// strings as their length and bytes, unescaped: a fingerprint needs only to change when they do.
protocol ByteSink {
    static var hashesNumbers: Bool { get }
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: some Sequence<UInt8>)
    mutating func hash(_ word: UInt64)
}

extension Array: ByteSink where Element == UInt8 {
    static var hashesNumbers: Bool { false }
    mutating func hash(_ word: UInt64) {}
}

extension StableHash: ByteSink {
    static var hashesNumbers: Bool { true }
    mutating func append(_ byte: UInt8) { value = (value ^ UInt64(byte)) &* 0x100000001b3 }
    mutating func append(contentsOf bytes: some Sequence<UInt8>) { combine(bytes) }
    /// A number: a marker byte, then its eight bytes.
    mutating func hash(_ word: UInt64) {
        append(0x23)
        for shift in stride(from: 0, to: 64, by: 8) { append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
    }
}
