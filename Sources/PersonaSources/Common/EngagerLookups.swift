import Foundation
import PersonaModel

/// "Who reacted?" for an API reader that can name its engagers (Mastodon, Bluesky): which posts to
/// ask about, and what the answers add to the poll's observation.
///
/// Posts whose counts moved since they were last asked about are asked about, newest first, at
/// most `PollContext.engagerPosts` per poll: the counts each was asked for are kept in the memo
/// (`engagers:<key>`), so an unchanged post costs nothing. Posts that moved but did not fit in a
/// poll are remembered (`engagers-due:<key>`) and asked about in the next polls, even when the
/// timeline then answers 304: over polls every post in the window is covered, within the limit.
/// Every lookup is an optional request: if it fails, the post is asked about again next poll.
struct EngagerLookups {
    /// A post with reactions whose engagers may be asked for.
    struct Candidate {
        /// The platform's handle for the post in lookup URLs and in the memo.
        var key: String
        /// The post's id in personad (its `Post.id`).
        var postId: String
        var replies: Int
        var reposts: Int
        var likes: Int
        var signature: String { "\(replies)/\(reposts)/\(likes)" }
    }

    /// An account a lookup named, and whether it was fresh and empty when it reacted (where the
    /// platform describes its accounts).
    struct Engager {
        var id: String
        var fresh: Bool
    }

    struct Lookup {
        var request: SourceRequest
        var candidate: Candidate
        var metric: Metric
    }

    static let memoPrefix = "engagers:"
    /// `engagers-due:<key>` = `<post id>\t<signature>`: a post that moved and is still to be asked about.
    static let duePrefix = "engagers-due:"
    /// `engagers-own:<key>` = the metrics (`applause`, `amplification`) in which the persona's own
    /// account was among the post's reactors when last looked up.
    static let ownPrefix = "engagers-own:"

    /// The persona's own reactions to a post, as the last lookup found them.
    static func ownReactions(_ key: String, memo: [String: String]) -> Set<Metric> {
        Set((memo[ownPrefix + key] ?? "").split(separator: ",").compactMap { Metric(rawValue: String($0)) })
    }

    /// A post's counts as its timeline states them, less the persona's own favourite or repost that
    /// a lookup found: every poll, not only the one that looked it up.
    static func lessOwn(_ counts: EngagementCounts, key: String, memo: [String: String]) -> EngagementCounts {
        let own = ownReactions(key, memo: memo)
        guard !own.isEmpty else { return counts }
        var counts = counts
        if own.contains(.applause) { counts.likes = counts.likes.map { max(0, $0 - 1) } }
        if own.contains(.amplification) { counts.reposts = counts.reposts.map { max(0, $0 - 1) } }
        return counts
    }

    private(set) var candidates: [Candidate] = []
    private(set) var lookups: [Lookup] = []
    private(set) var planned = false
    /// The timeline answered 304: only posts remembered as due are asked about.
    private(set) var dueOnly = false

    var pending: Bool { !lookups.isEmpty }
    var nextRequest: SourceRequest? { lookups.first?.request }

    /// Notes a post read in this poll, newest first, if it is in the window and has reactions.
    mutating func consider(_ candidate: Candidate, created: Date, context: PollContext) {
        guard context.engagerPosts > 0, created >= context.windowStart,
              candidate.replies + candidate.reposts + candidate.likes > 0 else { return }
        candidates.append(candidate)
    }

    /// The timeline did not change (a 304): only the posts remembered as due are asked about.
    mutating func skipAll() { dueOnly = true }

    /// A poll's next request: the timeline's while it has one (`timeline`), then the lookups,
    /// planned once the timeline is read. `url` gives a post's lookup URL for a metric.
    mutating func next(after timeline: SourceRequest?, limit: Int, now: Date, memo: inout [String: String],
                       url: (Candidate, Metric) -> String) -> SourceRequest? {
        if let timeline { return timeline }
        planIfNeeded(limit: limit, now: now, memo: &memo, url: url)
        return nextRequest
    }

    /// Chooses the posts to ask about, once, when the timeline has been read. `url` gives the
    /// lookup URL of a post for a metric.
    mutating func planIfNeeded(limit: Int, now: Date, memo: inout [String: String], url: (Candidate, Metric) -> String) {
        guard !planned else { return }
        planned = true
        let off = Self.off(memo: memo, now: now)
        for metric in Metric.allCases where !off.contains(metric) { memo[Self.offPrefix + metric.rawValue] = nil }
        if dueOnly {
            candidates = Self.due(memo: memo)
        } else {
            // Forget posts no longer seen.
            let seen = Set(candidates.flatMap { [Self.memoPrefix + $0.key, Self.ownPrefix + $0.key, Self.duePrefix + $0.key] })
            for key in memo.keys where (key.hasPrefix(Self.memoPrefix) || key.hasPrefix(Self.ownPrefix) || key.hasPrefix(Self.duePrefix))
                && !seen.contains(key) {
                memo[key] = nil
            }
        }
        let changed = candidates.filter { memo[Self.memoPrefix + $0.key] != $0.signature }
        // Every moved post is due until a lookup answers for it; this poll asks about the newest.
        for candidate in changed { memo[Self.duePrefix + candidate.key] = "\(candidate.postId)\t\(candidate.signature)" }
        let chosen = changed.prefix(limit)
        for candidate in chosen {
            for (metric, count) in [(Metric.applause, candidate.likes), (.amplification, candidate.reposts), (.conversation, candidate.replies)]
            where count > 0 && !off.contains(metric) {
                lookups.append(Lookup(request: SourceRequest(url: url(candidate, metric), conditional: false, optional: true),
                                      candidate: candidate, metric: metric))
            }
        }
    }

    /// A lookup failed: dropped, and its post is asked about again next poll.
    mutating func skip(_ request: SourceRequest) {
        if lookups.first?.request == request { lookups.removeFirst() }
    }

    /// `engagers-off:<metric>` = until when (seconds since 1970) this kind of lookup is not asked.
    static let offPrefix = "engagers-off:"
    /// A kind of lookup the server does not offer (404, 501) is not asked again until this much later.
    static let offFor: TimeInterval = 86400

    /// A lookup was refused. 404 or 501 says the server does not offer that kind of lookup (an
    /// instance that hides who favourited): none of that kind is asked for the rest of this poll nor
    /// until a day later. Any other refusal drops that one lookup, as `skip` does.
    mutating func refuse(_ request: SourceRequest, status: Int, now: Date, memo: inout [String: String]) {
        guard status == 404 || status == 501, let metric = lookups.first(where: { $0.request == request })?.metric else {
            skip(request)
            return
        }
        lookups.removeAll { $0.metric == metric }
        memo[Self.offPrefix + metric.rawValue] = String(Int(now.addingTimeInterval(Self.offFor).timeIntervalSince1970))
    }

    /// The kinds of lookup a server refused within the last day.
    static func off(memo: [String: String], now: Date) -> Set<Metric> {
        Set(Metric.allCases.filter { metric in
            memo[offPrefix + metric.rawValue].flatMap(Double.init).map { Date(timeIntervalSince1970: $0) > now } ?? false
        })
    }

    /// The next lookup's answer: the accounts it names. The persona itself is nobody's engager: its
    /// own favourite or repost is taken out of the post's count, and remembered (`ownPrefix`) so that
    /// the next polls, which read the raw count again, take it out too (`lessOwn`).
    mutating func answer(actors engagers: [Engager], own: String?, observation: inout Observation, memo: inout [String: String]) {
        let lookup = lookups.removeFirst()
        var fresh: [String: Bool] = [:]
        for engager in engagers { fresh[engager.id] = (fresh[engager.id] ?? false) || engager.fresh }
        let actors = engagers.map(\.id)
        for actor in fresh.keys.sorted() where actor != own {
            observation.engagements.append(Engagement(postId: lookup.candidate.postId, metric: lookup.metric, actor: actor,
                                                      fresh: fresh[actor] ?? false))
        }
        if lookup.metric != .conversation, let index = observation.posts.firstIndex(where: { $0.id == lookup.candidate.postId }) {
            // The timeline already took out what an earlier lookup found: adjust only what changed.
            var marks = Self.ownReactions(lookup.candidate.key, memo: memo)
            let reacted = own.map(actors.contains) ?? false
            let delta = reacted == marks.contains(lookup.metric) ? 0 : (reacted ? -1 : 1)
            if reacted { marks.insert(lookup.metric) } else { marks.remove(lookup.metric) }
            if lookup.metric == .applause {
                observation.posts[index].counts.likes = observation.posts[index].counts.likes.map { max(0, $0 + delta) }
            } else {
                observation.posts[index].counts.reposts = observation.posts[index].counts.reposts.map { max(0, $0 + delta) }
            }
            memo[Self.ownPrefix + lookup.candidate.key] = marks.isEmpty ? nil : marks.map(\.rawValue).sorted().joined(separator: ",")
        }
        memo[Self.memoPrefix + lookup.candidate.key] = lookup.candidate.signature
        memo[Self.duePrefix + lookup.candidate.key] = nil
    }

    /// The posts remembered as due, newest first (platform ids and keys grow with time: Mastodon's
    /// snowflake ids, Bluesky's TIDs; longer is newer among numbers).
    static func due(memo: [String: String]) -> [Candidate] {
        memo.compactMap { key, value -> Candidate? in
            guard key.hasPrefix(duePrefix) else { return nil }
            let parts = value.split(separator: "\t", maxSplits: 1).map(String.init)
            let counts = (parts.count == 2 ? parts[1] : "").split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2, counts.count == 3 else { return nil }
            return Candidate(key: String(key.dropFirst(duePrefix.count)), postId: parts[0], replies: counts[0], reposts: counts[1],
                             likes: counts[2])
        }
        .sorted { ($0.key.count, $0.key) > ($1.key.count, $1.key) }
    }

    /// The metric the next answer is for.
    var nextMetric: Metric? { lookups.first?.metric }
    /// The post the next answer is about.
    var nextCandidate: Candidate? { lookups.first?.candidate }
}

/// A poll that reads a timeline (`next`, one page after another) and then asks who reacted to its
/// changed posts (`engagers`): the request order, a 304 and a skipped lookup are the same for every
/// such reader; each gives only its lookup URLs.
protocol EngagerNamingPoll: SourcePoll {
    var context: PollContext { get }
    var next: SourceRequest? { get set }
    var engagers: EngagerLookups { get set }
    var memo: [String: String] { get set }
    /// The URL that names who reacted to `candidate` in `metric`.
    func lookupURL(_ candidate: EngagerLookups.Candidate, _ metric: Metric) -> String
    /// The request as sent: with the source's credentials, where the network takes them.
    func authorize(_ request: SourceRequest) -> SourceRequest
}

extension EngagerNamingPoll {
    func authorize(_ request: SourceRequest) -> SourceRequest { request }

    mutating func nextRequest() -> SourceRequest? {
        let poll = self
        var memo = self.memo
        defer { self.memo = memo }
        return engagers.next(after: next, limit: context.engagerPosts, now: context.now, memo: &memo) { poll.lookupURL($0, $1) }
            .map(authorize)
    }

    mutating func notModified(_ request: SourceRequest) {
        next = nil
        engagers.skipAll() // nothing changed: nobody to look up
    }

    mutating func skipped(_ request: SourceRequest) { engagers.skip(request) }

    mutating func refused(_ request: SourceRequest, status: Int) {
        var memo = self.memo
        engagers.refuse(request, status: status, now: context.now, memo: &memo)
        self.memo = memo
    }
}
