import Foundation
import Logging
import PersonaConfig
import PersonaFetch
import PersonaModel
import PersonaSources
import PersonaStore

/// The HTTP stage of a source's refresh: drives a remote reader's poll through the fetch engine,
/// request by request, sending stored validators on conditional requests and applying
/// `HTTPStatusPolicy` to each response.
///
/// Important: validators are sent only after a fully successful poll (a 200 whose body failed to
/// parse must be fetched again, not answered 304), and a poll never makes more than
/// `3 × max_pages + 3 + 3 × engagers` requests.
struct PollDriver: Sendable {
    let engine: FetchEngine
    let logger: Logger
    let sessions = PollSessions()

    /// Runs one poll to its end and returns how it went and what it read; `bytes` counts the
    /// response bodies it received.
    func poll(_ reader: any RemoteReader, persona: PersonaConfiguration, source: SourceConfiguration,
              policy: Attempt.Policy, state: inout SourceState, bytes: inout Int) async -> (Attempt, Observation?) {
        guard let url = source.url else { return (.failure(message: "source has no url", retryAt: nil), nil) }
        let sessionKey = SourceRefresh.key(persona, source)
        var poll = reader.makePoll(PollContext(
            url: url, handle: persona.handle, windowStart: policy.windowStart, memo: state.memo, maximumPages: policy.maximumPages,
            engagerPosts: source.engagers, now: policy.now, secret: source.secret, session: sessions.session(for: sessionKey)))
        // The session (an access token) is kept whatever the outcome, but dropped when a server
        // refused a request that carried credentials: the next poll asks for a new token.
        var refusedCredentials = false
        defer { sessions.keep(refusedCredentials ? [:] : poll.session, for: sessionKey) }
        // Validators are sent only after a fully successful poll: a 200 whose body failed to parse
        // must be fetched again, not answered with 304.
        let useValidators = state.lastError == nil
        var validators = state.validators
        var requests = 0
        var notModified = 0
        requestLoop: while let request = poll.nextRequest() {
            requests += 1
            guard requests <= policy.maximumPages * 3 + 3 + source.engagers * 3 else {
                return (.failure(message: "\(source.location): more than \(requests - 1) requests in one poll; stopping", retryAt: nil), nil)
            }
            let stored = request.conditional && useValidators ? state.validators[request.url] : nil
            let response: FetchResponse
            do {
                response = try await engine.fetch(FetchRequest(
                    url: request.url, etag: stored?.etag, lastModified: stored?.lastModified,
                    maximumBytes: source.maximumBytes, totalTimeout: source.timeout,
                    allowFile: source.path != nil, caFile: source.caFile,
                    authorization: request.authorization, form: request.form, userAgent: request.userAgent))
            } catch {
                if error.kind == .deferred, let until = error.retryAt {
                    // An optional lookup held by the host's gate: keep what the poll read.
                    if request.optional { break requestLoop }
                    return (.deferred(until: until), nil)
                }
                if request.optional, error.kind != .cancelled {
                    logger.info("persona \(persona.id): optional lookup skipped: \(error)")
                    poll.skipped(request)
                    continue
                }
                // No response this time: the last one's status (a 200, say) would mislead.
                state.httpStatus = nil
                return (.failure(message: "\(error)", retryAt: nil), nil)
            }
            bytes += response.body.count
            if request.authorization != nil, response.status == 401 || response.status == 403 { refusedCredentials = true }
            let shown = FetchEngine.redact(request.url)
            state.httpStatus = url.hasPrefix("file:") ? nil : response.status
            if let gate = response.notBefore { state.notBefore = gate }
            switch HTTPStatusPolicy.decide(status: response.status, request: request, shown: shown, notBefore: response.notBefore) {
            case .accept:
                break
            case .notModified:
                notModified += 1
                poll.notModified(request)
                continue
            case .skipLookup:
                logger.debug("persona \(persona.id): \(shown): HTTP \(response.status): optional lookup skipped")
                poll.refused(request, status: response.status)
                continue
            case .stopLookups:
                logger.info("persona \(persona.id): \(shown): HTTP \(response.status): optional lookups stop for this poll")
                break requestLoop
            case .end(let attempt):
                return (attempt, nil)
            }
            do {
                try poll.receive(SourceResponse(url: request.url, status: response.status, headers: response.headers, body: response.body))
            } catch {
                guard request.optional else { return (.failure(message: "\(error)", retryAt: nil), nil) }
                logger.info("persona \(persona.id): optional lookup skipped: \(error)")
                poll.skipped(request)
            }
            if request.conditional {
                validators[request.url] = Validators(etag: response.etag, lastModified: response.lastModified)
            }
        }
        var observation = poll.observation
        state.validators = validators
        state.memo = poll.memo
        if requests == notModified {
            // Nothing was read: the notes of the read the 304 confirms still hold.
            observation.notes = state.notes
            logger.debug("persona \(persona.id): \(source.location) not modified")
        } else {
            logger.info("persona \(persona.id): read \(observation.posts.count) posts from \(source.location) (\(requests) requests)")
        }
        return (.success, observation)
    }
}
