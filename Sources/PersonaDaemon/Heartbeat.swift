import Synchronization

/// The time of the main loop's last sign of progress, for the systemd watchdog.
final class Heartbeat: Sendable {
    private let last = Mutex(ContinuousClock.now)

    func beat() { last.withLock { $0 = .now } }

    var age: Duration { last.withLock { ContinuousClock.now - $0 } }
}
