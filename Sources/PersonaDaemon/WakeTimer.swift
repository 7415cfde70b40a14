import Foundation

/// The main loop's one timer: a single sleeping task that posts `.tick` when the next source is
/// due, so an idle daemon sleeps until then instead of waking every second.
///
/// The loop arms it after every event with the earliest time anything is due; a later time
/// leaves the armed one in place (a tick that finds nothing due arms again). A sleep is never
/// longer than `longest`: due times are wall-clock dates, and a clock that steps (NTP, a resumed
/// machine) is caught up with at most that late.
///
/// - Important: used only from the main loop's task (`MainLoop.serve`), like the loop's state.
final class WakeTimer: @unchecked Sendable {
    // @unchecked: `task` and `armed` are touched only by the main loop's single task.
    static let longest: TimeInterval = 300

    private var task: Task<Void, Never>?
    private var armed: Date?
    private let post: @Sendable (Daemon.Event) -> Void

    init(post: @escaping @Sendable (Daemon.Event) -> Void) {
        self.post = post
    }

    /// Wakes the loop at `date` (or within `longest`), unless it is already to wake earlier.
    func arm(at date: Date, now: Date = Date()) {
        let target = min(date, now.addingTimeInterval(Self.longest))
        if let armed, armed <= target { return }
        task?.cancel()
        armed = target
        let post = self.post
        let delay = max(0, target.timeIntervalSince(now))
        task = Task {
            // Cancelled: a new time was armed; the sleep's error is that cancellation.
            try? await Task.sleep(for: .seconds(delay))
            if !Task.isCancelled { post(.tick) }
        }
    }

    /// The armed tick arrived: the next `arm` starts a new sleep.
    func fired() { armed = nil }

    func cancel() {
        task?.cancel()
        task = nil
        armed = nil
    }
}
