import Foundation

/// The Mastodon API's JSON, read field by field (`JSONPage`): only what the reader uses is
/// kept; ids, `created_at` and a tag's `name` are required, as the API documents them.
extension MastodonAPIReader.Account {
    init(_ page: inout JSONPage) throws(JSONPage.Failure) {
        let start = page.offset
        var id: String?
        var followers: Int?, statuses: Int?, created: String?
        try page.object { page, key throws(JSONPage.Failure) in
            switch key {
            case "id": id = try page.identifier()
            case "followers_count": followers = try page.int()
            case "statuses_count": statuses = try page.int()
            case "created_at": created = try page.string()
            default: try page.skip()
            }
        }
        guard let id else { throw JSONPage.Failure("missing", byte: start, field: "id") }
        self.init(id: id, followers_count: followers, statuses_count: statuses, created_at: created)
    }

    /// An array of accounts (`favourited_by`, `reblogged_by`).
    static func page(_ page: inout JSONPage) throws(JSONPage.Failure) -> [Self] {
        try page.records { page throws(JSONPage.Failure) in try Self(&page) }
    }
}

extension MastodonAPIReader.Status {
    init(_ page: inout JSONPage) throws(JSONPage.Failure) {
        let start = page.offset
        var id: String?, created: String?
        var status = Self(id: "", created_at: "")
        try page.object { page, key throws(JSONPage.Failure) in
            switch key {
            case "id": id = try page.identifier()
            case "uri": status.uri = try page.string()
            case "url": status.url = try page.string()
            case "created_at": created = try page.string()
            case "in_reply_to_id": status.in_reply_to_id = try page.identifier()
            case "in_reply_to_account_id": status.in_reply_to_account_id = try page.identifier()
            case "replies_count": status.replies_count = try page.int()
            case "reblogs_count": status.reblogs_count = try page.int()
            case "favourites_count": status.favourites_count = try page.int()
            case "quotes_count": status.quotes_count = try page.int()
            case "reblog": status.reblog = try page.present()
            case "content": status.content = try page.string()
            case "account": status.account = try page.null() ? nil : try MastodonAPIReader.Account(&page)
            case "tags":
                if try page.null() { return }
                var tags: [String] = []
                try page.array { page, _ throws(JSONPage.Failure) in
                    var name: String?
                    let start = page.offset
                    try page.object { page, key throws(JSONPage.Failure) in
                        if key == "name" { name = try page.string() } else { try page.skip() }
                    }
                    guard let name else { throw JSONPage.Failure("missing", byte: start, field: "name") }
                    tags.append(name)
                }
                status.tags = tags
            default: try page.skip()
            }
        }
        guard let id else { throw JSONPage.Failure("missing", byte: start, field: "id") }
        guard let created else { throw JSONPage.Failure("missing", byte: start, field: "created_at") }
        status.id = id
        status.created_at = created
        self = status
    }

    /// An array of statuses (a timeline page).
    static func page(_ page: inout JSONPage) throws(JSONPage.Failure) -> [Self] {
        try page.records { page throws(JSONPage.Failure) in try Self(&page) }
    }
}

extension MastodonAPIReader.Context {
    init(_ page: inout JSONPage) throws(JSONPage.Failure) {
        let start = page.offset
        var descendants: [MastodonAPIReader.Status]?
        try page.object { page, key throws(JSONPage.Failure) in
            if key == "descendants" { descendants = try MastodonAPIReader.Status.page(&page) } else { try page.skip() }
        }
        guard let descendants else { throw JSONPage.Failure("missing", byte: start, field: "descendants") }
        self.init(descendants: descendants)
    }
}

extension MastodonAPIReader.Notification {
    init(_ page: inout JSONPage) throws(JSONPage.Failure) {
        let start = page.offset
        var type: String?, created: String?
        var account: Mention?, status: MastodonAPIReader.Status?
        try page.object { page, key throws(JSONPage.Failure) in
            switch key {
            case "type": type = try page.string()
            case "created_at": created = try page.string()
            case "status": status = try page.null() ? nil : try MastodonAPIReader.Status(&page)
            case "account":
                if try page.null() { return }
                var id: String?, acct: String?
                let start = page.offset
                try page.object { page, key throws(JSONPage.Failure) in
                    switch key {
                    case "id": id = try page.identifier()
                    case "acct": acct = try page.string()
                    default: try page.skip()
                    }
                }
                guard let id else { throw JSONPage.Failure("missing", byte: start, field: "id") }
                account = Mention(id: id, acct: acct)
            default: try page.skip()
            }
        }
        guard let type else { throw JSONPage.Failure("missing", byte: start, field: "type") }
        guard let created else { throw JSONPage.Failure("missing", byte: start, field: "created_at") }
        self.init(type: type, created_at: created, account: account, status: status)
    }

    /// An array of notifications.
    static func page(_ page: inout JSONPage) throws(JSONPage.Failure) -> [Self] {
        try page.records { page throws(JSONPage.Failure) in try Self(&page) }
    }
}
