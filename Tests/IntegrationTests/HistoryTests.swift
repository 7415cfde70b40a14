import Foundation
import Testing
import TestSupport

/// An X archive as the platform packs it (`data/tweets.js`, numbers as strings, newest first),
/// with `count` originals over the last weeks whose likes and reposts are overdispersed and
/// multiplied by `boost`: a second archive with another boost scores differently.
enum XArchiveFixture {
    static func write(at path: String, count: Int = 30, boost: Int = 1, now: Date = Date()) throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE MMM dd HH:mm:ss Z yyyy"
        // Overdispersed like real counts (a few posts get several times the typical), yet even enough for an interval under the gate.
        let likes = [4, 6, 3, 9, 5, 7, 14, 4, 6, 10, 3, 5, 22, 6, 4, 8, 5, 7, 3, 11]
        let tweets = (0..<count).map { index -> String in
            let id = String(1_800_000_000_000_000_000 + count - index)
            let date = formatter.string(from: now.addingTimeInterval(-Double(index) * 2.5 * 86_400 - 3_600))
            let like = likes[index % likes.count] * boost
            return #"""
                { "tweet" : { "id_str" : "\#(id)", "id" : "\#(id)", "created_at" : "\#(date)",
                  "full_text" : "post \#(index) on #swift and servers", "favorite_count" : "\#(like)",
                  "retweet_count" : "\#(like / 4)", "entities" : { "hashtags" : [ { "text" : "swift" } ] }, "lang" : "en" } }
                """#
        }
        try ZipFixture.make(at: path, entries: [
            ("data/account.js", #"window.YTD.account.part0 = [ { "account" : { "username" : "ana", "accountId" : "42" } } ]"#),
            ("data/tweets.js", "window.YTD.tweets.part0 = [\n" + tweets.joined(separator: ",\n") + "\n]"),
        ])
    }
}

/// `personactl history` through the real binaries: two `personad --once` runs over two archives
/// leave two history entries in the store, which personactl reads without writing to it.
@Suite struct HistoryTests {
    static func twoRuns(_ directory: TemporaryDirectory, blogHandle: String = "ana") async throws -> String {
        let archive = directory.file("x.zip")
        let config = try directory.write("personad.toml", TOMLConfig(daemon: [("state_directory", "\(directory.path)/state")])
            .persona("ana-x", network: "x", handle: "ana", sources: [("kind", "export"), ("path", "\(archive)")])
            .persona("ana-blog", network: "blog", handle: "\(blogHandle)", sources: [("kind", "feed"), ("url", "http://127.0.0.1:1/feed.xml")])
            .description)
        for boost in [1, 3] {
            try XArchiveFixture.write(at: archive, boost: boost)
            let (_, output) = try await DaemonProcess.run(["--config", config, "--once"])
            #expect(output.contains("snapshots written"), "\(output)")
        }
        return config
    }

    @Test func historyShowsEachEntryWithSparklinesAndAsJSON() async throws {
        let directory = try TemporaryDirectory("history")
        defer { directory.remove() }
        let config = try await Self.twoRuns(directory)
        let store = directory.file("state/personad.sqlite")
        let before = try FileManager.default.attributesOfItem(atPath: store)[.modificationDate] as? Date

        let (jsonStatus, json) = try await DaemonProcess.run(["--config", config, "history", "ana-x", "--json"], executable: "personactl")
        #expect(jsonStatus == 0, "\(json)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]], "\(json)")
        #expect(entries.count == 2, "\(json)")
        let values = entries.compactMap { $0["value"] as? Double }
        try #require(values.count == 2, "two scores: \(json)")
        #expect(values[0] != values[1], "two different scores: \(json)")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let times = entries.compactMap { ($0["generated_at"] as? String).flatMap(formatter.date(from:)) }
        #expect(times.count == 2 && times[0] < times[1], "oldest first: \(json)")
        let components = try #require(entries.last?["components"] as? [[String: Any]])
        #expect(components.contains { $0["name"] as? String == "applause" && $0["normalized"] is Double }, "\(components)")
        #expect(entries.allSatisfy { ($0["interval"] as? [String: Double])?["low"] != nil }, "\(json)")

        let (status, text) = try await DaemonProcess.run(["--config", config, "history", "ana-x"], executable: "personactl")
        #expect(status == 0, "\(text)")
        #expect(text.contains("ana-x: 2 score entries"), "\(text)")
        let scoreLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("score ") }, "\(text)")
        #expect(scoreLine.filter { "▁▂▃▄▅▆▇█".contains($0) }.count == 2, "one block per entry: \(scoreLine)")
        #expect(text.contains("APPLAUSE") && text.contains(String(format: "%.1f", values[1])), "\(text)")

        // --since after both entries: none, said in words; an age in the future's past: both.
        let (_, none) = try await DaemonProcess.run(["--config", config, "history", "ana-x", "--since", "2999-01-01"], executable: "personactl")
        #expect(none.contains("ana-x: no score history since 2999-01-01"), "\(none)")
        let (_, recent) = try await DaemonProcess.run(["--config", config, "history", "ana-x", "--since", "1d", "--json"], executable: "personactl")
        #expect((try JSONSerialization.jsonObject(with: Data(recent.utf8)) as? [Any])?.count == 2, "\(recent)")
        let (badStatus, bad) = try await DaemonProcess.run(["--config", config, "history", "ana-x", "--since", "last tuesday"], executable: "personactl")
        #expect(badStatus == 64 && bad.contains("--since 'last tuesday': not a date"), "\(bad)")
        let (unknownStatus, unknown) = try await DaemonProcess.run(["--config", config, "history", "nobody"], executable: "personactl")
        #expect(unknownStatus == 1 && unknown.contains("no persona 'nobody' in the configuration"), "\(unknown)")

        // Reading never wrote: the store file is as the daemon left it.
        let after = try FileManager.default.attributesOfItem(atPath: store)[.modificationDate] as? Date
        #expect(before == after)
    }

    @Test func historyBeforeTheDaemonRanSaysSo() async throws {
        let directory = try TemporaryDirectory("history-none")
        defer { directory.remove() }
        let config = try directory.write("personad.toml", TOMLConfig(daemon: [("state_directory", "\(directory.path)/state")])
            .persona("ana-blog", network: "blog", handle: "ana", sources: [("kind", "feed"), ("url", "http://127.0.0.1:1/feed.xml")])
            .description)
        let (status, output) = try await DaemonProcess.run(["--config", config, "history", "ana-blog"], executable: "personactl")
        #expect(status == 1 && output.contains("personad.sqlite: no such file (has personad run yet?)"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("state/personad.sqlite")), "personactl created the store")
    }
}
