import Foundation

/// Reddit's listing JSON (`{"kind": "Listing", "data": {"after", "children": [{"kind", "data"}]}}`),
/// read field by field (`JSONPage`). Required: `data`, `children`, each child's `kind` and `data`,
/// and a thing's `id` and `created_utc`.
extension RedditAPIReader.Listing {
    init(_ page: inout JSONPage) throws(JSONPage.Failure) {
        let start = page.offset
        var data: Page?
        try page.object { page, key throws(JSONPage.Failure) in
            guard key == "data" else { try page.skip(); return }
            let start = page.offset
            var listing = Page(), children: [Child]?
            try page.object { page, key throws(JSONPage.Failure) in
                switch key {
                case "after": listing.after = try page.string()
                case "children": children = try page.records { page throws(JSONPage.Failure) in try Child(&page) }
                default: try page.skip()
                }
            }
            guard let children else { throw JSONPage.Failure("missing", byte: start, field: "children") }
            listing.children = children
            data = listing
        }
        guard let data else { throw JSONPage.Failure("missing", byte: start, field: "data") }
        self.init(data: data)
    }
}

extension RedditAPIReader.Listing.Child {
    init(_ page: inout JSONPage) throws(JSONPage.Failure) {
        let start = page.offset
        var kind: String?, thing: RedditAPIReader.Listing.Thing?
        try page.object { page, key throws(JSONPage.Failure) in
            switch key {
            case "kind": kind = try page.string()
            case "data": thing = try RedditAPIReader.Listing.Thing(&page)
            default: try page.skip()
            }
        }
        guard let kind else { throw JSONPage.Failure("missing", byte: start, field: "kind") }
        guard let thing else { throw JSONPage.Failure("missing", byte: start, field: "data") }
        self.init(kind: kind, data: thing)
    }
}

extension RedditAPIReader.Listing.Thing {
    init(_ page: inout JSONPage) throws(JSONPage.Failure) {
        let start = page.offset
        var id: String?, created: Double?
        var thing = Self(id: "")
        try page.object { page, key throws(JSONPage.Failure) in
            switch key {
            case "id": id = try page.identifier()
            case "created_utc": created = try page.double()
            case "name": thing.name = try page.string()
            case "title": thing.title = try page.string()
            case "selftext": thing.selftext = try page.string()
            case "body": thing.body = try page.string()
            case "permalink": thing.permalink = try page.string()
            case "subreddit": thing.subreddit = try page.string()
            case "score": thing.score = try page.int()
            case "num_comments": thing.num_comments = try page.int()
            case "num_crossposts": thing.num_crossposts = try page.int()
            case "link_author": thing.link_author = try page.string()
            case "parent_id": thing.parent_id = try page.string()
            case "link_id": thing.link_id = try page.string()
            case "author": thing.author = try page.string()
            default: try page.skip()
            }
        }
        guard let id else { throw JSONPage.Failure("missing", byte: start, field: "id") }
        guard let created else { throw JSONPage.Failure("missing", byte: start, field: "created_utc") }
        thing.id = id
        thing.created_utc = created
        self = thing
    }
}
