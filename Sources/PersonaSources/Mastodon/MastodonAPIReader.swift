import Foundation
import PersonaModel
import PersonaUtilities

/// Reads a Mastodon account through the public REST API (no authentication).
///
/// `accounts/lookup?acct=` finds the account id once (kept in the memo), then
/// `accounts/:id/statuses?limit=40&exclude_reblogs=true` is paged with the `Link` header until the
/// window is covered or the page cap is reached. Only the first page is fetched conditionally.
///
/// Post ids are the statuses' ActivityPub `uri`, the same ids a Mastodon export uses, so that an
/// export and the API for one persona describe the same posts.
///
/// Who reacted: for the newest `engagerPosts` statuses whose counts changed since the last poll,
/// `statuses/:id/favourited_by`, `reblogged_by` and `context` (direct replies) name the accounts, so
/// that the scorer counts each person once per window and a pod of accounts that react to
/// everything weighs what a handful of people weigh. At most three requests per such status,
/// none for a status whose counts did not move since it was asked about; statuses that did not fit
/// in a poll are asked about in the next ones (`EngagerLookups`), a 304 on the timeline included.
///
/// With an access token (`token_file` or `credential`; scopes `read:statuses read:notifications`)
/// every request carries it, and the account's mention notifications over the window are read first:
/// each mention by someone else that is not a reply under the persona's own post (those are counted
/// as replies already) is a person who addressed the persona (`message_received`, its thread the
/// mentioning status), so responsiveness also asks whether the persona answered the people who
/// wrote to it elsewhere. Its answers are its replies, counted as such. A token without the
/// notifications scope (403) only skips the mentions.
public struct MastodonAPIReader: RemoteReader {
    public static let unmeasurable: [Metric: String] = [:]

    public init() {}

    /// `name@instance` names its instance; a bare `name` needs a configured `url`.
    public static func defaultURL(handle: String) -> String? {
        let parts = TextDecoding.trimmed(handle, "@").split(separator: "@")
        return parts.count == 2 ? "https://\(parts[1])" : nil
    }

    public func makePoll(_ context: PollContext) -> any SourcePoll { Poll(context: context) }

    struct Account {
        var id: String
        var followers_count: Int?
        var statuses_count: Int?
        var created_at: String?

        /// As an engager: fresh and empty when it reacted (`Engagement.isFreshAndEmpty`).
        func engager(at now: Date) -> EngagerLookups.Engager {
            EngagerLookups.Engager(id: id, fresh: Engagement.isFreshAndEmpty(
                created: created_at.flatMap(DateParsing.iso8601), followers: followers_count, posts: statuses_count, at: now))
        }
    }

    struct Status {
        var id: String
        var uri: String?
        var url: String?
        var created_at: String
        var in_reply_to_id: String?
        var in_reply_to_account_id: String?
        var replies_count: Int?
        var reblogs_count: Int?
        var favourites_count: Int?
        var quotes_count: Int?
        /// Whether the status is a boost (its `reblog` is present and not null).
        var reblog = false
        var content: String?
        var tags: [String]?
        var account: Account?
    }

    struct Context {
        var descendants: [Status]
    }

    struct Notification {
        var type: String
        var created_at: String
        var account: Mention?
        var status: Status?
        struct Mention { var id: String; var acct: String? }
    }

    struct Poll: EngagerNamingPoll {
        let context: PollContext
        let base: String
        var memo: [String: String]
        var engagers = EngagerLookups()
        var observation = Observation(posts: [], unmeasurable: MastodonAPIReader.unmeasurable)
        /// Local status id to URI, for the statuses seen in this poll.
        var uris: [String: String] = [:]
        /// The persona's own statuses' URIs are this prefix and their local id (Mastodon's
        /// `…/users/name/statuses/ID`), learnt from the first own status read.
        var ownURIPrefix: String?
        /// Replies whose parent's URI was not known when they were read: timelines are newest first,
        /// so a reply comes before its parent, on the same page or an older one. Resolved after each
        /// page: index in `observation.posts`, the parent's local id and its account.
        var unresolved: [(index: Int, parent: String, account: String?)] = []
        var next: SourceRequest?
        var pages = 0
        /// What the next timeline response is: the account lookup, then status pages. (Once the
        /// timeline is read, `engagers` says which lookup each response answers.)
        enum Phase { case account, notifications, statuses }
        var phase = Phase.statuses

        init(context: PollContext) {
            self.context = context
            base = JSONReading.trimmed(context.url)
            memo = context.memo
            if let id = memo["account_id"] {
                next = afterAccount(id)
            } else {
                phase = .account
                let acct = TextDecoding.trimmed(context.handle, "@")
                next = SourceRequest(url: "\(base)/api/v1/accounts/lookup?acct=\(JSONReading.query(acct))", conditional: false)
            }
        }

        func statuses(_ id: String) -> SourceRequest {
            SourceRequest(url: "\(base)/api/v1/accounts/\(JSONReading.query(id))/statuses?limit=40&exclude_reblogs=true", conditional: true)
        }

        /// With a token, the mentions first; the timeline then.
        mutating func afterAccount(_ id: String) -> SourceRequest {
            guard context.secret != nil else {
                phase = .statuses
                return statuses(id)
            }
            phase = .notifications
            return SourceRequest(url: "\(base)/api/v1/notifications?types%5B%5D=mention&limit=40", conditional: false, optional: true)
        }

        /// Every request to the instance carries the token, when there is one (libcurl sends it to
        /// the instance's host only, whatever a redirect says).
        func authorize(_ request: SourceRequest) -> SourceRequest {
            var request = request
            request.authorization = context.secret.map { .bearer($0) }
            return request
        }

        /// A page of mentions: each by someone else, and not a reply under the persona's own post,
        /// is a person who addressed the persona. Pages on while the window reaches further back.
        mutating func receiveMentions(_ response: SourceResponse) throws(SourceError) {
            let notifications = try JSONPage.read(response.body, location: response.url) { page throws(JSONPage.Failure) in try Notification.page(&page) }
            let own = memo["account_id"]
            var oldest: Date?
            for (index, notification) in notifications.enumerated() {
                guard let created = DateParsing.iso8601(notification.created_at) else {
                    throw SourceError(location: response.url, record: index + 1, field: "created_at", detail: "not an ISO 8601 time")
                }
                oldest = min(oldest ?? created, created)
                guard notification.type == "mention", let status = notification.status, created >= context.windowStart,
                      notification.account?.id != own, status.in_reply_to_account_id != own || own == nil else { continue }
                observation.interactions.append(Interaction(
                    id: "mastodon-mention:" + (status.uri ?? status.id), kind: .messageReceived,
                    at: DateParsing.iso8601(status.created_at) ?? created,
                    counterpart: notification.account?.acct ?? notification.account?.id, thread: status.uri ?? status.id))
            }
            pages += 1
            if let link = JSONReading.nextLink(response.headers["link"]), !notifications.isEmpty, pages < context.maximumPages,
               let oldest, oldest >= context.windowStart {
                next = SourceRequest(url: link, conditional: false, optional: true)
            } else {
                toTimeline()
            }
        }

        mutating func toTimeline() {
            phase = .statuses
            pages = 0
            next = memo["account_id"].map(statuses)
        }

        /// The mentions are optional: a token without `read:notifications` (403), or a page that
        /// fails, leaves the timeline and the lookups as they were.
        mutating func skipped(_ request: SourceRequest) {
            if phase == .notifications { toTimeline() } else { engagers.skip(request) }
        }

        mutating func refused(_ request: SourceRequest, status: Int) {
            if phase == .notifications {
                toTimeline()
                return
            }
            var memo = self.memo
            engagers.refuse(request, status: status, now: context.now, memo: &memo)
            self.memo = memo
        }

        func lookupURL(_ candidate: EngagerLookups.Candidate, _ metric: Metric) -> String {
            let root = "\(base)/api/v1/statuses/\(JSONReading.query(candidate.key))"
            switch metric {
            case .applause: return root + "/favourited_by?limit=80"
            case .amplification: return root + "/reblogged_by?limit=80"
            default: return root + "/context"
            }
        }

        /// Who favourited or boosted (accounts), or replied directly (the thread's descendants).
        mutating func receiveLookup(_ response: SourceResponse) throws(SourceError) {
            let actors: [EngagerLookups.Engager]
            let now = context.now
            if engagers.nextMetric == .conversation, let status = engagers.nextCandidate?.key {
                let thread = try JSONPage.read(response.body, location: response.url) { page throws(JSONPage.Failure) in try Context(&page) }
                actors = thread.descendants.filter { $0.in_reply_to_id == status }.compactMap { $0.account?.engager(at: now) }
            } else {
                actors = try JSONPage.read(response.body, location: response.url) { page throws(JSONPage.Failure) in try Account.page(&page) }
                .map { $0.engager(at: now) }
            }
            engagers.answer(actors: actors, own: memo["account_id"], observation: &observation, memo: &memo)
        }

        /// Names each reply's parent by its URI (the id personad knows it by): from this poll's
        /// statuses, or, for a parent of the persona's own that this poll did not reach, from the
        /// own URI prefix. Others' parents keep their local id: no count of theirs is adjusted.
        mutating func resolveParents() {
            let own = memo["account_id"]
            let prefix = ownURIPrefix
            unresolved.removeAll { item in
                if let uri = uris[item.parent] {
                    observation.posts[item.index].inReplyTo = uri
                    return true
                }
                if let prefix, let own, item.account == own {
                    observation.posts[item.index].inReplyTo = prefix + item.parent
                    return true
                }
                return false
            }
        }

        mutating func receive(_ response: SourceResponse) throws(SourceError) {
            if next == nil, engagers.pending {
                try receiveLookup(response)
                return
            }
            if phase == .account {
                let account = try JSONPage.read(response.body, location: response.url) { page throws(JSONPage.Failure) in try Account(&page) }
                memo["account_id"] = account.id
                observation.audience = account.followers_count
                next = afterAccount(account.id)
                return
            }
            if phase == .notifications {
                try receiveMentions(response)
                return
            }
            pages += 1
            let statuses = try JSONPage.read(response.body, location: response.url) { page throws(JSONPage.Failure) in try Status.page(&page) }
            let own = memo["account_id"]
            var oldest: Date?
            for (index, status) in statuses.enumerated() {
                guard let created = DateParsing.iso8601(status.created_at) else {
                    throw SourceError(location: response.url, record: index + 1, field: "created_at", detail: "not an ISO 8601 time")
                }
                oldest = min(oldest ?? created, created)
                if status.reblog {
                    observation.skippedReposts += 1
                    continue
                }
                if observation.audience == nil { observation.audience = status.account?.followers_count }
                let kind: PostKind = status.in_reply_to_id == nil ? .original
                    : (status.in_reply_to_account_id == own ? .selfReply : .reply)
                let reposts = status.reblogs_count.map { $0 + (status.quotes_count ?? 0) }
                engagers.consider(.init(key: status.id, postId: status.uri ?? status.id, replies: status.replies_count ?? 0,
                                        reposts: status.reblogs_count ?? 0, likes: status.favourites_count ?? 0),
                                  created: created, context: context)
                // Posts are named by URI; a reply names its parent by local id, resolved to a URI
                // after the page (`resolveParents`).
                uris[status.id] = status.uri ?? status.id
                if ownURIPrefix == nil, status.account.map({ $0.id == own }) ?? true, let uri = status.uri, uri.hasSuffix("/" + status.id) {
                    ownURIPrefix = String(uri.dropLast(status.id.count))
                }
                if let parent = status.in_reply_to_id {
                    unresolved.append((observation.posts.count, parent, status.in_reply_to_account_id))
                }
                observation.posts.append(Post(
                    id: status.uri ?? status.id, createdAt: created, kind: kind,
                    text: TextDecoding.stripTags(status.content ?? ""), url: status.url ?? status.uri,
                    tags: (status.tags ?? []).map { $0.lowercased() },
                    counts: EngagerLookups.lessOwn(EngagementCounts(replies: status.replies_count, reposts: reposts, likes: status.favourites_count),
                                                   key: status.id, memo: memo),
                    inReplyTo: status.in_reply_to_id))
            }
            resolveParents()
            // Page on while the window reaches further back than this page, within the cap.
            if let link = JSONReading.nextLink(response.headers["link"]), !statuses.isEmpty, pages < context.maximumPages,
               let oldest, oldest >= context.windowStart {
                next = SourceRequest(url: link, conditional: false)
            } else {
                next = nil
            }
        }
    }
}
