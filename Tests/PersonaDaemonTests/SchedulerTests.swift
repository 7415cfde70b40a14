import Foundation
import PersonaConfig
import PersonaStore
import Testing
@testable import PersonaDaemon

@Suite struct SchedulerTests {
    func configuration(remote: Int) throws -> Configuration {
        var text = """
            [daemon]
            state_directory = "/tmp/unused"
            interval = "30m"
            jitter = 0.2
            [[persona]]
            id = "local"
            network = "blog"
            handle = "l"
              [[persona.source]]
              kind = "feed"
              path = "/srv/feed.xml"

            """
        for index in 0..<remote {
            text += """
                [[persona]]
                id = "remote-\(index)"
                network = "blog"
                handle = "r\(index)"
                  [[persona.source]]
                  kind = "feed"
                  url = "https://blog\(index).example.org/feed.xml"

                """
        }
        return try ConfigLoader.parse(text, file: "/etc/personad/personad.toml")
    }

    @Test func firstPollsOfRemoteSourcesAreSpreadLocalOnesAreImmediate() throws {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let configuration = try configuration(remote: 400)
        let scheduler = Scheduler(configuration: configuration, states: [:], now: now)
        let local = try #require(scheduler.jobs.values.first { $0.persona.id.rawValue == "local" })
        #expect(scheduler.due[local.key] == now)
        let offsets = scheduler.due.filter { $0.key != local.key }.map { $0.value.timeIntervalSince(now) }
        #expect(offsets.count == 400)
        #expect(offsets.allSatisfy { $0 >= 0 && $0 <= 30 * 60 * 0.2 })
        // Spread, not a burst: no more than a tenth of them in any tenth of the spread.
        let buckets = Dictionary(grouping: offsets) { Int($0 / (30 * 60 * 0.2 / 10)) }
        #expect(buckets.values.allSatisfy { $0.count < 80 })
        #expect(scheduler.dueJobs(at: now).count < 40)
    }

    @Test func aRestartKeepsThePlannedTimes() throws {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let configuration = try configuration(remote: 2)
        let jobs = Scheduler.jobs(of: configuration)
        var states: [String: SourceState] = [:]
        for (index, job) in jobs.enumerated() {
            var state = SourceState(key: job.key, personaID: job.persona.id, kind: job.source.kind, location: job.source.location)
            state.nextAttempt = now.addingTimeInterval(Double(index + 1) * 600)
            states[job.key] = state
        }
        let scheduler = Scheduler(configuration: configuration, states: states, now: now)
        for job in jobs { #expect(scheduler.due[job.key] == states[job.key]?.nextAttempt) }
        #expect(scheduler.dueJobs(at: now).isEmpty)
    }

    /// What the main loop's timer is armed with: the earliest due time of a source no cycle is reading.
    @Test func nextDueSkipsSourcesInFlight() throws {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        var scheduler = Scheduler(configuration: try configuration(remote: 3), now: now)
        let keys = scheduler.jobs.keys.sorted()
        for (offset, key) in keys.enumerated() { scheduler.reschedule(key, at: now.addingTimeInterval(Double(100 * (offset + 1)))) }
        #expect(scheduler.nextDue(excluding: []) == now.addingTimeInterval(100))
        #expect(scheduler.nextDue(excluding: [keys[0]]) == now.addingTimeInterval(200))
        #expect(scheduler.nextDue(excluding: Set(keys)) == nil)
    }
}
