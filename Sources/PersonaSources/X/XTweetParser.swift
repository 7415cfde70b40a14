import Foundation
import PersonaUtilities

/// Pulls the fields personad needs out of one tweet record's bytes (`{"tweet": {…}}`, or the bare
/// object before 2020), skipping everything else without building a JSON tree: the archive's
/// records are mostly fields no score uses (edit info, display ranges, media).
enum XTweetParser {
    struct Tweet {
        var id: String?
        var createdAt: String?
        var text: String?
        var likes: Int?
        var reposts: Int?
        var replyToStatus: String?
        var replyToUser: String?
        var replyToName: String?
        var hashtags: [String] = []
    }

    typealias Failure = JSONCursor.Failure

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> Tweet {
        var parser = JSONCursor(bytes)
        var tweet = Tweet()
        try parser.object { (parser: inout JSONCursor, key: JSONCursor.Key) throws(Failure) in
            if case "tweet" = key, parser.peek() == UInt8(ascii: "{") {
                try parser.object { (parser: inout JSONCursor, key: JSONCursor.Key) throws(Failure) in try field(key, &parser, into: &tweet) }
                return
            }
            try field(key, &parser, into: &tweet)
        }
        return tweet
    }

    private static func field(_ key: JSONCursor.Key, _ parser: inout JSONCursor, into tweet: inout Tweet) throws(Failure) {
        switch key {
        case "id_str": tweet.id = try parser.scalarText() ?? tweet.id
        case "id": if tweet.id == nil { tweet.id = try parser.scalarText() } else { try parser.skip() }
        case "created_at": tweet.createdAt = try parser.scalarText()
        case "full_text": tweet.text = try parser.scalarText()
        case "text": if tweet.text == nil { tweet.text = try parser.scalarText() } else { try parser.skip() }
        case "favorite_count": tweet.likes = try parser.scalarText().flatMap { Int($0) }
        case "retweet_count": tweet.reposts = try parser.scalarText().flatMap { Int($0) }
        case "in_reply_to_status_id_str", "in_reply_to_status_id":
            tweet.replyToStatus = try parser.scalarText() ?? tweet.replyToStatus
        case "in_reply_to_user_id_str", "in_reply_to_user_id":
            tweet.replyToUser = try parser.scalarText() ?? tweet.replyToUser
        case "in_reply_to_screen_name": tweet.replyToName = try parser.scalarText()
        case "entities" where parser.peek() == UInt8(ascii: "{"):
            try parser.object { (parser: inout JSONCursor, key: JSONCursor.Key) throws(Failure) in
                guard case "hashtags" = key, parser.peek() == UInt8(ascii: "[") else { try parser.skip(); return }
                try parser.array { parser throws(Failure) in
                    guard parser.peek() == UInt8(ascii: "{") else { try parser.skip(); return }
                    try parser.object { (parser: inout JSONCursor, key: JSONCursor.Key) throws(Failure) in
                        if case "text" = key, let tag = try parser.scalarText() { tweet.hashtags.append(tag.lowercased()) } else { try parser.skip() }
                    }
                }
            }
        default: try parser.skip()
        }
    }
}
