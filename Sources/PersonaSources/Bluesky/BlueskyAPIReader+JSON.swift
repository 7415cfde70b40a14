import Foundation

/// The Bluesky AppView's JSON, read field by field (`JSONPage`). Required, as the lexicons
/// define them: a profile's and an author's `did`, a feed's `feed`, a post's `uri`, `author` and
/// `record`, a reply parent's `uri`, and the lists of the lookups.
extension BlueskyAPIReader {
    /// `{"did", "followersCount", …}` (`app.bsky.actor.getProfile`).
    static func author(_ page: inout JSONPage) throws(JSONPage.Failure) -> Feed.Author {
        let start = page.offset
        var did: String?, handle: String?
        try page.object { page, key throws(JSONPage.Failure) in
            switch key {
            case "did": did = try page.string()
            case "handle": handle = try page.string()
            default: try page.skip()
            }
        }
        guard let did else { throw JSONPage.Failure("missing", byte: start, field: "did") }
        return Feed.Author(did: did, handle: handle)
    }

    /// `{"likes": [{"actor": {…}}]}` (`getLikes`): who liked, by DID.
    static func likers(_ page: inout JSONPage) throws(JSONPage.Failure) -> [String] {
        try list(&page, "likes") { page throws(JSONPage.Failure) in
            let start = page.offset
            var actor: String?
            try page.object { page, key throws(JSONPage.Failure) in
                if key == "actor" { actor = try author(&page).did } else { try page.skip() }
            }
            guard let actor else { throw JSONPage.Failure("missing", byte: start, field: "actor") }
            return actor
        }
    }

    /// `{"repostedBy": [{…}]}` (`getRepostedBy`): who reposted, by DID.
    static func reposters(_ page: inout JSONPage) throws(JSONPage.Failure) -> [String] {
        try list(&page, "repostedBy") { page throws(JSONPage.Failure) in try author(&page).did }
    }

    /// `{"thread": {"replies": [{"post": {"author": {…}}}]}}` (`getPostThread`, depth 1): who
    /// replied directly, by DID. A blocked or deleted reply carries no post and is left out.
    static func repliers(_ page: inout JSONPage) throws(JSONPage.Failure) -> [String] {
        let start = page.offset
        var repliers: [String]?
        try page.object { page, key throws(JSONPage.Failure) in
            guard key == "thread" else { try page.skip(); return }
            repliers = []
            try page.object { page, key throws(JSONPage.Failure) in
                guard key == "replies", !(try page.null()) else { try page.skip(); return }
                try page.array(records: true) { page, _ throws(JSONPage.Failure) in
                    try page.object { page, key throws(JSONPage.Failure) in
                        guard key == "post", !(try page.null()) else { try page.skip(); return }
                        try page.object { page, key throws(JSONPage.Failure) in
                            if key == "author" { repliers?.append(try author(&page).did) } else { try page.skip() }
                        }
                    }
                }
            }
        }
        guard let repliers else { throw JSONPage.Failure("missing", byte: start, field: "thread") }
        return repliers
    }

    /// An object's one required list, each element read by `element`.
    static func list<T>(_ page: inout JSONPage, _ name: String,
                        _ element: (inout JSONPage) throws(JSONPage.Failure) -> T) throws(JSONPage.Failure) -> [T] {
        let start = page.offset
        var values: [T]?
        try page.object { page, key throws(JSONPage.Failure) in
            guard key == name else { try page.skip(); return }
            values = try page.records(element)
        }
        guard let values else { throw JSONPage.Failure("missing", byte: start, field: name) }
        return values
    }
}

extension BlueskyAPIReader.Profile {
    init(_ page: inout JSONPage) throws(JSONPage.Failure) {
        let start = page.offset
        var did: String?, followers: Int?
        try page.object { page, key throws(JSONPage.Failure) in
            switch key {
            case "did": did = try page.string()
            case "followersCount": followers = try page.int()
            default: try page.skip()
            }
        }
        guard let did else { throw JSONPage.Failure("missing", byte: start, field: "did") }
        self.init(did: did, followersCount: followers)
    }
}

extension BlueskyAPIReader.Feed {
    /// `{"cursor", "feed": [{"post": {…}, "reason": {…}}]}` (`getAuthorFeed`).
    init(_ page: inout JSONPage) throws(JSONPage.Failure) {
        let start = page.offset
        var cursor: String?, items: [Item]?
        try page.object { page, key throws(JSONPage.Failure) in
            switch key {
            case "cursor": cursor = try page.string()
            case "feed": items = try page.records { page throws(JSONPage.Failure) in try Item(&page) }
            default: try page.skip()
            }
        }
        guard let items else { throw JSONPage.Failure("missing", byte: start, field: "feed") }
        self.init(cursor: cursor, feed: items)
    }
}

extension BlueskyAPIReader.Feed.Item {
    init(_ page: inout JSONPage) throws(JSONPage.Failure) {
        let start = page.offset
        var post: BlueskyAPIReader.Feed.Post?, repost = false
        try page.object { page, key throws(JSONPage.Failure) in
            switch key {
            case "post": post = try BlueskyAPIReader.Feed.Post(&page)
            case "reason":
                if try page.null() { return }
                try page.object { page, key throws(JSONPage.Failure) in
                    if key == "$type" { repost = try page.string() == "app.bsky.feed.defs#reasonRepost" } else { try page.skip() }
                }
            default: try page.skip()
            }
        }
        guard let post else { throw JSONPage.Failure("missing", byte: start, field: "post") }
        self.init(post: post, repost: repost)
    }
}

extension BlueskyAPIReader.Feed.Post {
    init(_ page: inout JSONPage) throws(JSONPage.Failure) {
        let start = page.offset
        var uri: String?, author: BlueskyAPIReader.Feed.Author?, record: BlueskyAPIReader.Feed.Record?
        var counts: (replies: Int?, reposts: Int?, likes: Int?, quotes: Int?) = (nil, nil, nil, nil)
        var indexedAt: String?
        try page.object { page, key throws(JSONPage.Failure) in
            switch key {
            case "uri": uri = try page.string()
            case "author": author = try BlueskyAPIReader.author(&page)
            case "record": record = try BlueskyAPIReader.Feed.Record(&page)
            case "replyCount": counts.replies = try page.int()
            case "repostCount": counts.reposts = try page.int()
            case "likeCount": counts.likes = try page.int()
            case "quoteCount": counts.quotes = try page.int()
            case "indexedAt": indexedAt = try page.string()
            default: try page.skip()
            }
        }
        guard let uri else { throw JSONPage.Failure("missing", byte: start, field: "uri") }
        guard let author else { throw JSONPage.Failure("missing", byte: start, field: "author") }
        guard let record else { throw JSONPage.Failure("missing", byte: start, field: "record") }
        self.init(uri: uri, author: author, record: record, replyCount: counts.replies, repostCount: counts.reposts,
                  likeCount: counts.likes, quoteCount: counts.quotes, indexedAt: indexedAt)
    }
}

extension BlueskyAPIReader.Feed.Record {
    /// A post record (`app.bsky.feed.post`): text, time, the reply's parent, tags and `#tag` facets.
    init(_ page: inout JSONPage) throws(JSONPage.Failure) {
        var record = Self()
        try page.object { page, key throws(JSONPage.Failure) in
            switch key {
            case "text": record.text = try page.string()
            case "createdAt": record.createdAt = try page.string()
            case "tags":
                if try page.null() { return }
                var tags: [String] = []
                try page.array { page, _ throws(JSONPage.Failure) in
                    guard let tag = try page.string() else { throw JSONPage.Failure("expected a string", byte: page.offset) }
                    tags.append(tag)
                }
                record.tags = tags
            case "reply":
                if try page.null() { return }
                try page.object { page, key throws(JSONPage.Failure) in
                    guard key == "parent", !(try page.null()) else { try page.skip(); return }
                    let start = page.offset
                    var uri: String?
                    try page.object { page, key throws(JSONPage.Failure) in
                        if key == "uri" { uri = try page.string() } else { try page.skip() }
                    }
                    guard let uri else { throw JSONPage.Failure("missing", byte: start, field: "uri") }
                    record.replyParent = uri
                }
            case "facets":
                if try page.null() { return }
                try page.array { page, _ throws(JSONPage.Failure) in
                    try page.object { page, key throws(JSONPage.Failure) in
                        guard key == "features", !(try page.null()) else { try page.skip(); return }
                        try page.array { page, _ throws(JSONPage.Failure) in
                            var type: String?, tag: String?
                            try page.object { page, key throws(JSONPage.Failure) in
                                switch key {
                                case "$type": type = try page.string()
                                case "tag": tag = try page.string()
                                default: try page.skip()
                                }
                            }
                            if type == "app.bsky.richtext.facet#tag", let tag { record.facetTags.append(tag) }
                        }
                    }
                }
            default: try page.skip()
            }
        }
        self = record
    }
}
