import Foundation
import Synchronization
import Testing
import TestSupport
@testable import PersonaDaemon

/// The main loop's timer: one tick at the armed time, an earlier time replaces a later one, a
/// later one never delays an earlier, and a cancelled timer posts nothing.
@Suite struct WakeTimerTests {
    final class Ticks: Sendable {
        let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
        func post(_ event: Daemon.Event) {
            if case .tick = event { count.withLock { $0 += 1 } }
        }
    }

    @Test func anEarlierTimeReplacesALaterOneAndALaterOneIsIgnored() async throws {
        let ticks = Ticks()
        let timer = WakeTimer(post: ticks.post)
        defer { timer.cancel() }
        let now = Date()
        timer.arm(at: now.addingTimeInterval(3600), now: now)   // capped at `longest`
        timer.arm(at: now.addingTimeInterval(0.05), now: now)   // earlier: replaces it
        timer.arm(at: now.addingTimeInterval(120), now: now)    // later: ignored
        // Generous: the whole suite shares two threads, and a busy CI run has held them ~25 s.
        #expect(await eventually(timeout: .seconds(120)) { ticks.value == 1 })
        // The replaced sleep never ticks; the next one starts only after `fired()`.
        try await Task.sleep(for: .milliseconds(200))
        #expect(ticks.value == 1)
        timer.fired()
        timer.arm(at: Date(), now: Date())
        #expect(await eventually(timeout: .seconds(120)) { ticks.value == 2 })
    }

    @Test func aCancelledTimerPostsNothing() async throws {
        let ticks = Ticks()
        let timer = WakeTimer(post: ticks.post)
        timer.arm(at: Date().addingTimeInterval(0.1))
        timer.cancel()
        try await Task.sleep(for: .milliseconds(400))
        #expect(ticks.value == 0)
    }
}
