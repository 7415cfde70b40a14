import CCurl
import Foundation
import Synchronization

/// The HTTP engine: one libcurl multi handle driven by one dedicated thread, serving async callers.
///
/// Callers `await fetch(_:)`; the request is queued, attached to the multi handle when the
/// global and per-host caps allow, and its continuation is resumed on completion. Swift's
/// cooperative pool is never blocked by network I/O.
///
/// Important: concurrency is capped by attaching at most `maximumConcurrent` easy handles (and
/// `maximumPerHost` per host) at a time, not with `CURLMOPT_MAX_TOTAL_CONNECTIONS`, which
/// stalls whole poll timeouts on libcurl 7.88. Call `shutdown()` before the process exits.
public final class FetchEngine: Sendable {
    /// The caps in force; `setLimits` changes them while the engine runs (a reload).
    public var maximumConcurrent: Int { shared.withLock { $0.maximumConcurrent } }
    public var maximumPerHost: Int { shared.withLock { $0.maximumPerHost } }
    public let userAgent: String

    private struct Pending: Sendable {
        var id: UInt64
        var request: FetchRequest
        var host: String
        var continuation: CheckedContinuation<Result<FetchResponse, FetchError>, Never>
    }

    private struct Shared: Sendable {
        var nextID: UInt64 = 1
        var pending: [Pending] = []
        var cancelled: Set<UInt64> = []
        var shuttingDown = false
        /// The loop thread is (about to be) blocked in `curl_multi_poll`: a new request must wake
        /// it. While it is awake it drains `pending` by itself, so a busy cycle makes no wake-ups.
        var sleeping = false
        /// Per host, the time before which the server said it will refuse requests.
        var gates: [String: Date] = [:]
        var maximumConcurrent: Int
        var maximumPerHost: Int
    }

    private let shared: Mutex<Shared>
    // The multi handle is used only by the loop thread, except curl_multi_wakeup, which libcurl
    // documents as callable from any thread; the pointer itself never changes.
    private nonisolated(unsafe) let multi: UnsafeMutableRawPointer
    private let finished = DispatchSemaphore(value: 0)

    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    public init(maximumConcurrent: Int = 50, maximumPerHost: Int = 6, userAgent: String = "personad") {
        precondition(Self.globalInit, "curl_global_init failed")
        shared = Mutex(Shared(maximumConcurrent: max(1, maximumConcurrent), maximumPerHost: max(1, maximumPerHost)))
        self.userAgent = userAgent
        guard let handle = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        multi = handle
        let thread = Thread { [self] in self.loop() }
        thread.name = "personad-curl"
        thread.start()
    }

    /// Fetches one URL. Throws only when no HTTP response was received, when the host asked for
    /// no requests until later (`.deferred`, with `retryAt`; nothing is sent), or on cancellation.
    public func fetch(_ request: FetchRequest) async throws(FetchError) -> FetchResponse {
        let host = Self.host(of: request.url)
        let now = Date()
        let (id, gate) = shared.withLock { state -> (UInt64, Date?) in
            defer { state.nextID += 1 }
            return (state.nextID, state.gates[host].flatMap { $0 > now ? $0 : nil })
        }
        if let gate { throw Self.deferred(request.url, until: gate) }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<FetchResponse, FetchError>, Never>) in
                let (accepted, wake) = shared.withLock { state -> (Bool, Bool) in
                    guard !state.shuttingDown else { return (false, false) }
                    state.pending.append(Pending(id: id, request: request, host: host, continuation: continuation))
                    defer { state.sleeping = false }
                    return (true, state.sleeping)
                }
                if accepted {
                    if wake { curl_multi_wakeup(multi) }
                } else {
                    continuation.resume(returning: .failure(FetchError(url: request.url, kind: .cancelled, detail: "the fetch engine is shutting down")))
                }
            }
        } onCancel: {
            shared.withLock { _ = $0.cancelled.insert(id) }
            curl_multi_wakeup(multi)
        }
        return try result.get()
    }

    /// The time before which `host` must not be asked, if a server set one.
    public func notBefore(host: String) -> Date? {
        let now = Date()
        return shared.withLock { $0.gates[host.lowercased()].flatMap { $0 > now ? $0 : nil } }
    }

    /// Records a server's "not before" for a host (also used to restore gates kept in the store).
    public func setNotBefore(_ date: Date, host: String) {
        shared.withLock { state in
            let key = host.lowercased()
            state.gates[key] = max(state.gates[key] ?? date, date)
        }
    }

    static func host(of url: String) -> String { URL(string: url)?.host?.lowercased() ?? "" }

    private static func deferred(_ url: String, until: Date) -> FetchError {
        FetchError(url: url, kind: .deferred, detail: "not sent: the server asked for no requests before \(until.formatted(.iso8601))", retryAt: until)
    }

    /// Changes the caps. Transfers already attached run on; new ones are attached under the new caps
    /// (a lower cap takes effect as running transfers finish).
    public func setLimits(maximumConcurrent: Int, maximumPerHost: Int) {
        shared.withLock { state in
            state.maximumConcurrent = max(1, maximumConcurrent)
            state.maximumPerHost = max(1, maximumPerHost)
        }
        curl_multi_wakeup(multi)
    }

    /// Abandons queued and running transfers (their callers get `.cancelled`) and stops the thread.
    public func shutdown() {
        let first = shared.withLock { state -> Bool in
            defer { state.shuttingDown = true }
            return !state.shuttingDown
        }
        guard first else { return }
        curl_multi_wakeup(multi)
        finished.wait()
        curl_multi_cleanup(multi)
    }

    // MARK: - The loop thread

    private func loop() {
        var active: [UnsafeMutableRawPointer: Transfer] = [:]
        var perHost: [String: Int] = [:]
        var queue: [Pending] = []
        while true {
            let (incoming, cancelled, stopping, maximumConcurrent, maximumPerHost) = shared.withLock { state in
                defer { state.pending.removeAll(); state.cancelled.removeAll() }
                return (state.pending, state.cancelled, state.shuttingDown, state.maximumConcurrent, state.maximumPerHost)
            }
            queue.append(contentsOf: incoming)
            if stopping {
                for pending in queue { pending.continuation.resume(returning: .failure(Self.cancelled(pending.request.url))) }
                queue.removeAll()
                for (easy, transfer) in active { finish(easy, transfer, result: .failure(Self.cancelled(transfer.request.url))) }
                active.removeAll()
                break
            }
            if !cancelled.isEmpty {
                queue.removeAll { pending in
                    guard cancelled.contains(pending.id) else { return false }
                    pending.continuation.resume(returning: .failure(Self.cancelled(pending.request.url)))
                    return true
                }
                for (easy, transfer) in active where cancelled.contains(transfer.id) {
                    active[easy] = nil
                    perHost[transfer.host, default: 1] -= 1
                    finish(easy, transfer, result: .failure(Self.cancelled(transfer.request.url)))
                }
            }
            // A host that has just asked for a pause gets no queued request either.
            let gates = shared.withLock { $0.gates }
            let now = Date()
            queue.removeAll { pending in
                guard let gate = gates[pending.host], gate > now else { return false }
                pending.continuation.resume(returning: .failure(Self.deferred(pending.request.url, until: gate)))
                return true
            }
            // Attach what the caps allow, in arrival order, skipping hosts that are full.
            var index = 0
            while index < queue.count, active.count < maximumConcurrent {
                let pending = queue[index]
                guard perHost[pending.host, default: 0] < maximumPerHost else { index += 1; continue }
                queue.remove(at: index)
                let transfer = Transfer(id: pending.id, request: pending.request, host: pending.host, continuation: pending.continuation)
                guard let easy = transfer.configure(userAgent: userAgent) else {
                    pending.continuation.resume(returning: .failure(FetchError(url: pending.request.url, kind: .transport, detail: "curl_easy_init failed")))
                    continue
                }
                curl_multi_add_handle(multi, easy)
                active[easy] = transfer
                perHost[pending.host, default: 0] += 1
            }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var remaining: Int32 = 0
            var freed = false
            while let message = curl_multi_info_read(multi, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                      let transfer = active.removeValue(forKey: easy) else { continue }
                perHost[transfer.host, default: 1] -= 1
                var result = transfer.result(code: message.pointee.data.result)
                if case .success(var response) = result,
                   let gate = Politeness.notBefore(status: response.status, headers: response.headers, now: Date()) {
                    response.notBefore = gate
                    setNotBefore(gate, host: transfer.host)
                    result = .success(response)
                }
                finish(easy, transfer, result: result)
                freed = true
            }
            // A transfer that ended freed a slot a queued request may take: attach it now rather
            // than after a poll timeout (a local file:// feed ends within curl_multi_perform, with
            // no socket to wake the poll, so the queue behind it waited a second per slot).
            if freed, !queue.isEmpty { continue }
            // Sleep in curl_multi_poll only if nothing arrived meanwhile; from here on, whoever
            // queues work wakes the thread.
            let idle = shared.withLock { state -> Bool in
                guard state.pending.isEmpty, state.cancelled.isEmpty, !state.shuttingDown else { return false }
                state.sleeping = true
                return true
            }
            if idle {
                // With no transfer, nothing but a new request (which wakes the poll) can give the
                // thread work: it sleeps for an hour rather than waking every second. libcurl
                // caps the wait by its own timers while transfers run.
                curl_multi_poll(multi, nil, 0, active.isEmpty && queue.isEmpty ? 3_600_000 : 1000, nil)
                shared.withLock { $0.sleeping = false }
            }
        }
        finished.signal()
    }

    private func finish(_ easy: UnsafeMutableRawPointer, _ transfer: Transfer, result: Result<FetchResponse, FetchError>) {
        curl_multi_remove_handle(multi, easy)
        transfer.cleanup()
        transfer.continuation.resume(returning: result)
    }

    private static func cancelled(_ url: String) -> FetchError {
        FetchError(url: url, kind: .cancelled, detail: "cancelled")
    }

    /// A URL fit for logs and snapshots: user and password removed.
    public static func redact(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.user != nil || components.password != nil else { return url }
        components.user = nil
        components.password = nil
        return components.string ?? url
    }
}
