import Foundation
import PersonaModel
import PersonaUtilities

/// Reads an X (Twitter) "download your data" archive: every layout in `Docs/sources/x.md`.
///
/// - `data/tweets.js` (`window.YTD.tweets.part0 = [`) and, before late 2022, `data/tweet.js`;
///   large archives split into `tweets-part1.js`, `tweets-part2.js`… in no particular order.
/// - Records wrapped as `{"tweet": {...}}`, or bare (before 2020).
/// - Counts are strings (`"0"`) or numbers; text carries HTML entities.
///
/// Retweets of others (`RT @name: …`) are not the persona's posts and are skipped. Replies to
/// other accounts are conversation the persona joined; replies to itself (threads) are
/// self-replies, which the scorer ignores.
public struct XArchiveReader: ExportReader {
    public static let unmeasurable: [Metric: String] = [
        .conversation: "an X archive records no reply counts for the persona's posts",
    ]

    /// Posts are handed to the sink in batches of this many, so that memory does not grow with the archive.
    let batchSize: Int

    public init(batchSize: Int = 20_000) {
        self.batchSize = max(1, batchSize)
    }

    public func read(_ archive: ExportArchive, handle: String) throws(SourceError) -> Observation {
        // Without a sink, every post stays in the returned observation.
        try read(archive, handle: handle) { _ throws(SourceError) in }
    }

    public func read(_ archive: ExportArchive, handle: String, sink: PostSink) throws(SourceError) -> Observation {
        let tweetFiles = archive.paths.filter(Self.isTweetFile)
        guard !tweetFiles.isEmpty else {
            throw SourceError(location: archive.location, detail: "no data/tweets.js or data/tweet.js: this is not an X archive")
        }
        let account = try accountID(in: archive)
        var posts: [Post] = []
        var retweets = 0
        for path in tweetFiles {
            try stream(archive, path) { bytes, record throws(SourceError) in
                let tweet: XTweetParser.Tweet
                do throws(XTweetParser.Failure) {
                    tweet = try XTweetParser.parse(bytes)
                } catch {
                    throw SourceError(location: archive.location, entry: path, record: record, detail: "malformed JSON (\(error.detail))")
                }
                let text = TextDecoding.decodeEntities(tweet.text ?? "")
                if text.hasPrefix("RT @") {
                    retweets += 1
                    return
                }
                guard let id = tweet.id, !id.isEmpty else {
                    throw SourceError(location: archive.location, entry: path, record: record, field: "id_str", detail: "missing")
                }
                guard let created = tweet.createdAt.flatMap(DateParsing.twitter) else {
                    throw SourceError(location: archive.location, entry: path, record: record, field: "created_at",
                                      detail: "missing or not in the form 'Fri Mar 06 13:02:05 +0000 2026'")
                }
                posts.append(Post(
                    id: id, createdAt: created, kind: kind(of: tweet, account: account, handle: handle), text: text,
                    url: "https://x.com/\(handle)/status/\(id)", tags: tweet.hashtags,
                    counts: EngagementCounts(replies: nil, reposts: tweet.reposts, likes: tweet.likes),
                    inReplyTo: tweet.replyToStatus.flatMap { $0.isEmpty ? nil : $0 }))
                if posts.count >= batchSize { try sink(&posts) }
            }
        }
        var followers: Int?
        if let path = archive.paths.first(where: { ($0 as NSString).lastPathComponent == "follower.js" }) {
            var count = 0
            try stream(archive, path) { _, _ throws(SourceError) in count += 1 }
            followers = count
        }
        return Observation(posts: posts, audience: followers, skippedReposts: retweets, unmeasurable: Self.unmeasurable)
    }

    /// Streams a `window.YTD.… = [ … ]` file, handing each record's bytes and 1-based number to `record`.
    private func stream(_ archive: ExportArchive, _ path: String,
                        _ record: (UnsafeBufferPointer<UInt8>, Int) throws(SourceError) -> Void) throws(SourceError) {
        var streamer = JSArrayStreamer()
        func failure(_ error: any Error) -> SourceError {
            if let error = error as? SourceError { return error }
            switch error as? JSArrayStreamer.Failure {
            case .noArray?:
                return SourceError(location: archive.location, entry: path, line: 1, detail: "expected 'window.YTD.<name>.partN = [' at the start of the file")
            case .unexpected(let byte, let element)?:
                return SourceError(location: archive.location, entry: path, record: element,
                                   detail: "malformed JSON (unexpected '\(Character(Unicode.Scalar(byte)))' between records)")
            case .truncated(let element)?:
                return SourceError(location: archive.location, entry: path, record: element,
                                   detail: "malformed JSON (the file ends inside the array: cut mid-record?)")
            case nil:
                return SourceError(location: archive.location, entry: path, detail: "\(error)")
            }
        }
        do {
            try archive.stream(at: path) { chunk in
                do {
                    try streamer.feed(chunk) { bytes, number in
                        do { try record(bytes, number) } catch { throw error }
                    }
                } catch {
                    throw failure(error)
                }
            }
            try streamer.finish()
        } catch {
            throw failure(error)
        }
    }

    /// `tweet.js`, `tweets.js`, `tweet-part2.js`, `tweets-part12.js`, in `data/` or at the root.
    static func isTweetFile(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        guard name.hasSuffix(".js"), name.hasPrefix("tweet") else { return false }
        var stem = name.dropLast(3).dropFirst(5)
        if stem.hasPrefix("s") { stem = stem.dropFirst() }
        if stem.isEmpty { return true }
        guard stem.hasPrefix("-part") else { return false }
        let digits = stem.dropFirst(5)
        return !digits.isEmpty && digits.allSatisfy(\.isNumber)
    }

    private func kind(of tweet: XTweetParser.Tweet, account: String?, handle: String) -> PostKind {
        let replyUser = tweet.replyToUser.flatMap { $0.isEmpty ? nil : $0 }
        let replyName = tweet.replyToName
        let replyStatus = tweet.replyToStatus.flatMap { $0.isEmpty ? nil : $0 }
        guard replyUser != nil || replyName != nil || replyStatus != nil else { return .original }
        if let account, let replyUser, replyUser == account { return .selfReply }
        if let replyName, replyName.caseInsensitiveCompare(handle) == .orderedSame { return .selfReply }
        return .reply
    }

    private func accountID(in archive: ExportArchive) throws(SourceError) -> String? {
        guard let path = archive.paths.first(where: { ($0 as NSString).lastPathComponent == "account.js" }) else { return nil }
        let records = try jsonArray(in: archive, path: path)
        let account = (records.first as? [String: Any]).flatMap { ($0["account"] as? [String: Any]) ?? $0 }
        return Self.string(account?["accountId"])
    }

    /// Parses `window.YTD.<name>.partN = [ … ]`: no newline is assumed after `=` or `[`.
    private func jsonArray(in archive: ExportArchive, path: String) throws(SourceError) -> [Any] {
        let data = try archive.data(at: path)
        guard let equals = data.prefix(512).firstIndex(of: UInt8(ascii: "=")) else {
            throw SourceError(location: archive.location, entry: path, line: 1, detail: "expected 'window.YTD.<name>.partN = [' at the start of the file")
        }
        let body = data[(equals + 1)...]
        do {
            guard let array = try JSONSerialization.jsonObject(with: body) as? [Any] else {
                throw SourceError(location: archive.location, entry: path, detail: "expected a JSON array after '='")
            }
            return array
        } catch let error as SourceError {
            throw error
        } catch {
            throw SourceError(location: archive.location, entry: path, detail: "malformed JSON (\(JSONErrors.describe(error, in: body)))")
        }
    }

    static func string(_ value: Any?) -> String? {
        switch value {
        case let string as String: string.isEmpty ? nil : string
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }
}
