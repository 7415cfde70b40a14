import Foundation
import PersonaSources

// The feed reader on files, for Benchmarks/feeds/compare.sh and throughput.sh.
//   personad-feeds FILE…                 one line per file: path TAB posts TAB notes TAB error
//   personad-feeds --repeat N FILE…      parses each file N times; prints bytes, seconds, MB/s
//   personad-feeds --posts FILE          each post: id, date, URL, text
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--posts", arguments.count == 2 {
    do {
        let observation = try FeedReader().read(FileManager.default.contents(atPath: arguments[1]) ?? Data(), location: arguments[1], handle: "h")
        for post in observation.posts {
            print([post.id, post.createdAt.formatted(.iso8601), post.url ?? "-", post.text].joined(separator: "\t"))
        }
        for note in observation.notes { print("note: \(note)") }
    } catch {
        print("error: \(error)")
    }
} else if arguments.first == "--repeat", arguments.count >= 3, let times = Int(arguments[1]) {
    let files = arguments.dropFirst(2).compactMap { FileManager.default.contents(atPath: $0) }
    let bytes = files.reduce(0) { $0 + $1.count } * times
    var posts = 0, refused = 0
    let clock = ContinuousClock()
    let elapsed = clock.measure {
        for _ in 0..<times {
            for data in files {
                do {
                    posts += try FeedReader().read(data, location: "bench", handle: "bench").posts.count
                } catch {
                    refused += 1 // counted and printed: a refused document is time spent without posts
                }
            }
        }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print(String(format: "%d bytes, %d posts, %d refused, %.3f s, %.1f MB/s", bytes, posts, refused, seconds, Double(bytes) / 1e6 / seconds))
} else {
    for path in arguments {
        guard let data = FileManager.default.contents(atPath: path) else {
            print("\(path)\t-\t\tunreadable")
            continue
        }
        do {
            let observation = try FeedReader().read(data, location: path, handle: "h")
            print("\(path)\t\(observation.posts.count)\t\(observation.notes.joined(separator: "; "))\t")
        } catch {
            print("\(path)\t-\t\t\(error)".replacingOccurrences(of: "\n", with: " "))
        }
    }
}
