import Foundation
import PersonaModel

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
/// none for a status whose counts did not move, and none at all when the timeline answered 304.
public struct MastodonAPIReader: RemoteReader {
    public static let unmeasurable: [Metric: String] = [:]

    public init() {}

    /// `name@instance` names its instance; a bare `name` needs a configured `url`.
    public static func defaultURL(handle: String) -> String? {
        let parts = TextDecoding.trimmed(handle, "@").split(separator: "@")
        return parts.count == 2 ? "https://\(parts[1])" : nil
    }

    public func makePoll(_ context: PollContext) -> any SourcePoll { Poll(context: context) }

    struct Account: Decodable {
        var id: String
        var followers_count: Int?
    }

    struct Status: Decodable {
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
        var reblog: Presence?
        var content: String?
        var tags: [Tag]?
        var account: Account?
        struct Tag: Decodable { var name: String }
    }

    struct Context: Decodable {
        var descendants: [Status]
    }

    /// A status whose engagers may be looked up.
    struct Candidate {
        var statusId: String
        var postId: String
        var replies: Int
        var reblogs: Int
        var favourites: Int
        var signature: String { "\(replies)/\(reblogs)/\(favourites)" }
    }

    /// One "who reacted?" request.
    struct Lookup {
        var request: SourceRequest
        var candidate: Candidate
        var metric: Metric
    }

    struct Poll: SourcePoll {
        let context: PollContext
        let base: String
        var memo: [String: String]
        var candidates: [Candidate] = []
        var lookups: [Lookup] = []
        var lookupsPlanned = false
        var observation = Observation(posts: [], unmeasurable: MastodonAPIReader.unmeasurable)
        /// Local status id to URI, for the statuses seen in this poll.
        var uris: [String: String] = [:]
        var next: SourceRequest?
        var pages = 0

        init(context: PollContext) {
            self.context = context
            base = JSONReading.trimmed(context.url)
            memo = context.memo
            if let id = memo["account_id"] {
                next = statuses(id)
            } else {
                let acct = TextDecoding.trimmed(context.handle, "@")
                next = SourceRequest(url: "\(base)/api/v1/accounts/lookup?acct=\(JSONReading.query(acct))", conditional: false)
            }
        }

        func statuses(_ id: String) -> SourceRequest {
            SourceRequest(url: "\(base)/api/v1/accounts/\(JSONReading.query(id))/statuses?limit=40&exclude_reblogs=true", conditional: true)
        }

        mutating func nextRequest() -> SourceRequest? {
            if let next { return next }
            if !lookupsPlanned {
                lookupsPlanned = true
                planLookups()
            }
            return lookups.first?.request
        }

        mutating func notModified(_ request: SourceRequest) {
            next = nil
            lookupsPlanned = true // nothing changed: nobody to look up
        }

        static let memoPrefix = "engagers:"

        /// The newest statuses with reactions whose counts moved since the last poll.
        mutating func planLookups() {
            let chosen = candidates.filter { memo[Self.memoPrefix + $0.statusId] != $0.signature }.prefix(context.engagerPosts)
            // Forget statuses no longer seen; remember the counts the lookups are made for.
            let seen = Set(candidates.map { Self.memoPrefix + $0.statusId })
            for key in memo.keys where key.hasPrefix(Self.memoPrefix) && !seen.contains(key) { memo[key] = nil }
            for candidate in chosen {
                let root = "\(base)/api/v1/statuses/\(JSONReading.query(candidate.statusId))"
                if candidate.favourites > 0 {
                    lookups.append(Lookup(request: SourceRequest(url: root + "/favourited_by?limit=80", conditional: false, optional: true),
                                          candidate: candidate, metric: .applause))
                }
                if candidate.reblogs > 0 {
                    lookups.append(Lookup(request: SourceRequest(url: root + "/reblogged_by?limit=80", conditional: false, optional: true),
                                          candidate: candidate, metric: .amplification))
                }
                if candidate.replies > 0 {
                    lookups.append(Lookup(request: SourceRequest(url: root + "/context", conditional: false, optional: true),
                                          candidate: candidate, metric: .conversation))
                }
            }
        }

        /// A lookup that failed is dropped; its status is tried again at the next poll.
        mutating func skipped(_ request: SourceRequest) {
            if lookups.first?.request == request { lookups.removeFirst() }
        }

        mutating func receiveLookup(_ response: SourceResponse) throws(SourceError) {
            let lookup = lookups.removeFirst()
            let own = memo["account_id"]
            let actors: [String]
            if lookup.metric == .conversation {
                let thread = try JSONReading.decode(Context.self, from: response.body, location: response.url)
                actors = thread.descendants.filter { $0.in_reply_to_id == lookup.candidate.statusId }.compactMap { $0.account?.id }
            } else {
                actors = try JSONReading.decode([Account].self, from: response.body, location: response.url).map(\.id)
            }
            for actor in Set(actors).sorted() where actor != own {
                observation.engagements.append(Engagement(postId: lookup.candidate.postId, metric: lookup.metric, actor: actor))
            }
            // The persona's own favourite or boost of its post is no one else's reaction.
            if lookup.metric != .conversation, let own, actors.contains(own),
               let index = observation.posts.firstIndex(where: { $0.id == lookup.candidate.postId }) {
                if lookup.metric == .applause {
                    observation.posts[index].counts.likes = observation.posts[index].counts.likes.map { max(0, $0 - 1) }
                } else {
                    observation.posts[index].counts.reposts = observation.posts[index].counts.reposts.map { max(0, $0 - 1) }
                }
            }
            memo[Self.memoPrefix + lookup.candidate.statusId] = lookup.candidate.signature
        }

        mutating func receive(_ response: SourceResponse) throws(SourceError) {
            if next == nil, !lookups.isEmpty {
                try receiveLookup(response)
                return
            }
            if response.url.contains("/accounts/lookup") {
                let account = try JSONReading.decode(Account.self, from: response.body, location: response.url)
                memo["account_id"] = account.id
                observation.audience = account.followers_count
                next = statuses(account.id)
                return
            }
            pages += 1
            let statuses = try JSONReading.decode([Status].self, from: response.body, location: response.url)
            let own = memo["account_id"]
            var oldest: Date?
            for (index, status) in statuses.enumerated() {
                guard let created = DateParsing.iso8601(status.created_at) else {
                    throw SourceError(location: response.url, record: index + 1, field: "created_at", detail: "not an ISO 8601 time")
                }
                oldest = min(oldest ?? created, created)
                if status.reblog != nil {
                    observation.skippedReposts += 1
                    continue
                }
                if observation.audience == nil { observation.audience = status.account?.followers_count }
                let kind: PostKind = status.in_reply_to_id == nil ? .original
                    : (status.in_reply_to_account_id == own ? .selfReply : .reply)
                let reposts = status.reblogs_count.map { $0 + (status.quotes_count ?? 0) }
                if created >= context.windowStart, context.engagerPosts > 0 {
                    let replies = status.replies_count ?? 0, reblogs = status.reblogs_count ?? 0, favourites = status.favourites_count ?? 0
                    if replies + reblogs + favourites > 0 {
                        candidates.append(Candidate(statusId: status.id, postId: status.uri ?? status.id,
                                                    replies: replies, reblogs: reblogs, favourites: favourites))
                    }
                }
                // Posts are named by URI; a reply names its parent by local id, mapped back when the
                // parent is one of the persona's own statuses seen in this poll.
                uris[status.id] = status.uri ?? status.id
                observation.posts.append(Post(
                    id: status.uri ?? status.id, createdAt: created, kind: kind,
                    text: TextDecoding.stripTags(status.content ?? ""), url: status.url ?? status.uri,
                    tags: (status.tags ?? []).map { $0.name.lowercased() },
                    counts: EngagementCounts(replies: status.replies_count, reposts: reposts, likes: status.favourites_count),
                    inReplyTo: status.in_reply_to_id.map { uris[$0] ?? $0 }))
            }
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
