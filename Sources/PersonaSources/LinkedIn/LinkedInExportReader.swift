import Foundation
import PersonaModel
import PersonaUtilities

/// Reads LinkedIn's export (CSV files), every generation in Docs/sources/linkedin.md:
/// `Shares.csv` (2018: UTF-16LE and TAB-separated; 2024–25: CSV), `Comments.csv` (backslash-escaped
/// quotes), `Reactions.csv`, `messages.csv` (2024) or `Messages.csv` (2018), `Connections.csv`
/// (with or without the `Notes:` preamble), `Endorsement_Received_Info.csv`,
/// `Recommendations_Received.csv` and `Invitations.csv`.
///
/// Shares are the persona's posts and comments the conversation it joined; messages (who wrote,
/// who answered, when), endorsements, recommendations and invitations are interactions;
/// connections are the audience. Nothing others did with the persona's posts is in the export.
public struct LinkedInExportReader: ExportReader {
    public static let unmeasurable: [Metric: String] = [
        .conversation: "a LinkedIn export records no comments received",
        .amplification: "a LinkedIn export records no reposts received",
        .applause: "a LinkedIn export has no reactions received",
    ]

    public init() {}

    public func read(_ archive: ExportArchive, handle: String) throws(SourceError) -> Observation {
        func find(_ name: String) -> String? {
            archive.paths.first { ($0 as NSString).lastPathComponent.caseInsensitiveCompare(name) == .orderedSame }
        }
        let known = ["Shares.csv", "Comments.csv", "Reactions.csv", "messages.csv", "Connections.csv",
                     "Endorsement_Received_Info.csv", "Recommendations_Received.csv", "Invitations.csv"]
        guard known.contains(where: { find($0) != nil }) else {
            throw SourceError(location: archive.location, detail: "no Shares.csv, Connections.csv or other LinkedIn file: this is not a LinkedIn export")
        }
        func csv(_ path: String, _ required: [String]) throws(SourceError) -> LenientCSV {
            try LenientCSV.read(archive.data(at: path), required: required, location: archive.location, entry: path)
        }
        func date(_ row: LenientCSV.Row, _ column: String, _ path: String) throws(SourceError) -> Date {
            guard let value = row[column], let parsed = LinkedInDates.parse(value) else {
                throw SourceError(location: archive.location, entry: path, line: row.line, field: column,
                                  detail: "missing or in no LinkedIn date format (\(row[column] ?? "empty"))")
            }
            return parsed
        }
        var posts: [Post] = []
        var interactions: [Interaction] = []
        var audience: Int?

        if let path = find("Shares.csv") {
            for row in try csv(path, ["Date"]).rows {
                let at = try date(row, "Date", path)
                let text = row["ShareCommentary"] ?? row["Share Commentary"] ?? row["Share Title"] ?? ""
                let link = row["ShareLink"] ?? row["Share Link"]
                posts.append(Post(id: link ?? ExportFields.id("linkedin-share", at, text), createdAt: at, kind: .original,
                                  text: text, url: link, tags: ExportFields.hashtags(text)))
            }
        }
        if let path = find("Comments.csv") {
            for row in try csv(path, ["Date", "Message"]).rows {
                let at = try date(row, "Date", path)
                let text = row["Message"] ?? ""
                posts.append(Post(id: ExportFields.id("linkedin-comment", at, (row["Link"] ?? "") + text), createdAt: at,
                                  kind: .reply, text: text, url: row["Link"], tags: ExportFields.hashtags(text)))
            }
        }
        if let path = find("Reactions.csv") {
            for row in try csv(path, ["Date", "Type"]).rows {
                let at = try date(row, "Date", path)
                interactions.append(Interaction(id: ExportFields.id("linkedin-reaction", at, row["Link"] ?? ""), kind: .reactionGiven,
                                                at: at, counterpart: row["Link"]))
            }
        }
        interactions += try messages(archive, find: find, csv: csv, date: date, handle: handle)
        if let path = find("Connections.csv") {
            audience = try csv(path, ["Connected On"]).rows.count
        }
        if let path = find("Endorsement_Received_Info.csv") {
            for row in try csv(path, ["Endorsement Date"]).rows {
                let at = try date(row, "Endorsement Date", path)
                let who = row["Endorser Public Url"] ?? [row["Endorser First Name"], row["Endorser Last Name"]].compactMap { $0 }.joined(separator: " ")
                interactions.append(Interaction(id: ExportFields.id("linkedin-endorsement", at, who + (row["Skill Name"] ?? "")),
                                                kind: .endorsementReceived, at: at, counterpart: who))
            }
        }
        if let path = find("Recommendations_Received.csv") {
            for row in try csv(path, ["Creation Date"]).rows {
                let at = try date(row, "Creation Date", path)
                let who = [row["First Name"], row["Last Name"]].compactMap { $0 }.joined(separator: " ")
                interactions.append(Interaction(id: ExportFields.id("linkedin-recommendation", at, who), kind: .recommendationReceived,
                                                at: at, counterpart: who))
            }
        }
        if let path = find("Invitations.csv") {
            for row in try csv(path, ["Sent At", "Direction"]).rows {
                let at = try date(row, "Sent At", path)
                let incoming = row["Direction"]?.uppercased() == "INCOMING"
                let who = incoming ? (row["inviterProfileUrl"] ?? row["From"]) : (row["inviteeProfileUrl"] ?? row["To"])
                interactions.append(Interaction(id: ExportFields.id("linkedin-invitation", at, who ?? ""),
                                                kind: incoming ? .invitationReceived : .invitationSent, at: at, counterpart: who))
            }
        }
        return Observation(posts: posts, interactions: interactions, audience: audience, unmeasurable: Self.unmeasurable)
    }

    /// Both generations of messages. The 2018 file says the direction; the 2024 one says who wrote,
    /// and the persona is the sender present in the most conversations (or the one whose profile
    /// URL holds the handle).
    private func messages(_ archive: ExportArchive, find: (String) -> String?,
                          csv: (String, [String]) throws(SourceError) -> LenientCSV,
                          date: (LenientCSV.Row, String, String) throws(SourceError) -> Date, handle: String) throws(SourceError) -> [Interaction] {
        guard let path = find("messages.csv") else { return [] }
        let file = try csv(path, ["Date"])
        var result: [Interaction] = []
        if file.header.contains("Direction") {
            for row in file.rows {
                let at = try date(row, "Date", path)
                let incoming = row["Direction"]?.uppercased() == "INCOMING"
                let who = incoming ? row["From"] : row["To"]
                result.append(Interaction(id: ExportFields.id("linkedin-message", at, (who ?? "") + (row["Content"] ?? "")),
                                          kind: incoming ? .messageReceived : .messageSent, at: at, counterpart: who, thread: who))
            }
            return result
        }
        var conversationsBySender: [String: Set<String>] = [:]
        for row in file.rows {
            guard let sender = row["SENDER PROFILE URL"] ?? row["FROM"] else { continue }
            conversationsBySender[sender, default: []].insert(row["CONVERSATION ID"] ?? "")
        }
        let me = conversationsBySender.keys.first { $0.lowercased().contains("/in/\(handle.lowercased())") }
            ?? conversationsBySender.max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }?.key
        for row in file.rows {
            let at = try date(row, "DATE", path)
            let sender = row["SENDER PROFILE URL"] ?? row["FROM"]
            let mine = sender == me
            result.append(Interaction(
                id: ExportFields.id("linkedin-message", at, (sender ?? "") + (row["CONTENT"] ?? "")),
                kind: mine ? .messageSent : .messageReceived, at: at,
                counterpart: mine ? (row["RECIPIENT PROFILE URLS"] ?? row["TO"]) : (row["FROM"] ?? sender),
                thread: row["CONVERSATION ID"]))
        }
        return result
    }
}

/// LinkedIn's date formats, all read as UTC where the file states no zone (the 2024–25 files don't).
enum LinkedInDates {
    static func parse(_ raw: String) -> Date? {
        var text = TextDecoding.trimmed(raw)
        if text.hasSuffix(" UTC") { text = String(text.dropLast(4)) }
        // 2025-07-01 14:33:22, 2017/06/08 08:15:44, 2024-06-18
        if text.count >= 10, text.prefix(4).allSatisfy(\.isNumber), text.dropFirst(4).first == "-" || text.dropFirst(4).first == "/" {
            let normalized = text.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: " ", with: "T")
            return DateParsing.iso8601(normalized.count > 10 ? normalized + "Z" : normalized)
        }
        // 28 Nov 2021
        let words = text.split(separator: " ")
        if words.count == 3, let day = Int(words[0]), let month = DateParsing.monthIndex(words[1]), let year = Int(words[2]) {
            return DateParsing.epoch(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        }
        // 1/8/18, 6:14 PM  —  12/24/23, 05:28 AM  —  10/16/18, 8:36 AM
        let parts = text.split(separator: ",").map { TextDecoding.trimmed(String($0)) }
        let day = parts.first?.split(separator: "/").compactMap { Int($0) } ?? []
        guard day.count == 3 else { return nil }
        var year = day[2]
        if year < 100 { year += 2000 }
        var hour = 0, minute = 0
        if parts.count > 1 {
            let timeWords = parts[1].split(separator: " ")
            guard let clock = timeWords.first.flatMap({ DateParsing.clock($0) }) else { return nil }
            hour = clock.0 % 12
            minute = clock.1
            if timeWords.count > 1, timeWords[1].uppercased() == "PM" { hour += 12 }
            if timeWords.count == 1 { hour = clock.0 }
        }
        return DateParsing.epoch(year: year, month: day[0], day: day[1], hour: hour, minute: minute, second: 0)
    }
}
