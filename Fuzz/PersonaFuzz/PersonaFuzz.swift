import Foundation
import PersonaConfig
import PersonaSources
import ZIPFoundation

// libFuzzer targets for every reader of outside bytes, one binary: `PERSONAD_FUZZ_TARGET` names
// the reader (Fuzz/run lists them). Built only with `PERSONAD_FUZZ=1` and
// `--sanitize=fuzzer --sanitize=address` (Fuzz/run); libFuzzer supplies `main`.
//
// A reader may refuse its input (a `SourceError`, a `ConfigError`: typed throws, so nothing else
// can come out); what it may not do is crash, hang, or leak, which libFuzzer and AddressSanitizer
// report. An export reader is given the input as one file of an unpacked copy of the demo's real
// export, the other files left as they are, and reads the whole export.

/// What one target does with one input.
struct Target: Sendable {
    enum Kind: Sendable {
        case feed
        /// An API: `prelude` answers the first requests (a valid profile, say), the input the rest.
        case api(any RemoteReader, prelude: [String] = [])
        /// An export: the demo archive, the file the input replaces, the reader.
        case export(archive: String, file: String, reader: any ExportReader)
        case config
    }

    var name: String
    var kind: Kind

    static let all: [Target] = [
        Target(name: "feed", kind: .feed),
        Target(name: "mastodon-api", kind: .api(MastodonAPIReader())),
        Target(name: "bluesky-api", kind: .api(BlueskyAPIReader(), prelude: [
            #"{"did":"did:plc:ana","handle":"ana.bsky.social","followersCount":240,"followsCount":80,"postsCount":1200}"#,
        ])),
        Target(name: "reddit-api", kind: .api(RedditAPIReader())),
        Target(name: "x", kind: .export(archive: "x-archive.zip", file: "data/tweets.js", reader: XArchiveReader())),
        Target(name: "x-followers", kind: .export(archive: "x-archive.zip", file: "data/follower.js", reader: XArchiveReader())),
        Target(name: "instagram", kind: .export(archive: "instagram-export.zip", file: "your_instagram_activity/media/posts_1.json",
                                                reader: InstagramExportReader())),
        Target(name: "instagram-comments", kind: .export(archive: "instagram-export.zip",
                                                         file: "your_instagram_activity/comments/post_comments_1.json", reader: InstagramExportReader())),
        Target(name: "instagram-insights", kind: .export(archive: "instagram-export.zip",
                                                         file: "logged_information/past_instagram_insights/posts.json", reader: InstagramExportReader())),
        Target(name: "linkedin", kind: .export(archive: "linkedin-export.zip", file: "Shares.csv", reader: LinkedInExportReader())),
        Target(name: "linkedin-messages", kind: .export(archive: "linkedin-export.zip", file: "messages.csv", reader: LinkedInExportReader())),
        Target(name: "facebook", kind: .export(archive: "facebook-export.zip", file: "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json",
                                               reader: FacebookExportReader())),
        Target(name: "facebook-comments", kind: .export(archive: "facebook-export.zip",
                                                        file: "your_facebook_activity/comments_and_reactions/comments.json", reader: FacebookExportReader())),
        Target(name: "mastodon-export", kind: .export(archive: "mastodon-archive.zip", file: "outbox.json", reader: MastodonExportReader())),
        Target(name: "reddit-export", kind: .export(archive: "reddit-export.zip", file: "comments.csv", reader: RedditExportReader())),
        Target(name: "reddit-posts", kind: .export(archive: "reddit-export.zip", file: "posts.csv", reader: RedditExportReader())),
        Target(name: "config", kind: .config),
    ]
}

/// The state set up once per process, before the first input.
struct Harness: Sendable {
    let target: Target
    /// For an export target: the unpacked copy and the file the input is written to.
    let root: String?
    let file: String?

    static func start() -> Harness {
        let environment = ProcessInfo.processInfo.environment
        let name = environment["PERSONAD_FUZZ_TARGET"] ?? ""
        guard let target = Target.all.first(where: { $0.name == name }) else {
            FileHandle.standardError.write(Data("PERSONAD_FUZZ_TARGET must be one of: \(Target.all.map(\.name).joined(separator: " "))\n".utf8))
            exit(2)
        }
        guard case .export(let archive, let file, _) = target.kind else { return Harness(target: target, root: nil, file: nil) }
        let demo = environment["PERSONAD_FUZZ_DEMO"] ?? "Config/demo"
        let root = NSTemporaryDirectory() + "personad-fuzz-\(target.name)-\(getpid())"
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try FileManager.default.unzipItem(at: URL(fileURLWithPath: "\(demo)/\(archive)"), to: URL(fileURLWithPath: root))
        } catch {
            FileHandle.standardError.write(Data("cannot unpack \(demo)/\(archive) into \(root): \(error)\n".utf8))
            exit(2)
        }
        return Harness(target: target, root: root, file: "\(root)/\(file)")
    }

    func run(_ data: Data) {
        switch target.kind {
        case .feed:
            _ = try? FeedReader().read(data, location: "fuzz", handle: "h")  // refusing is allowed; crashing is not
            _ = try? YouTubeFeedReader().read(data, location: "fuzz", handle: "h")
        case .api(let reader, let prelude):
            var poll = reader.makePoll(PollContext(url: "http://127.0.0.1:1", handle: "h", windowStart: .distantPast,
                                                   memo: ["account_id": "1"]))
            var steps = 0
            while let request = poll.nextRequest(), steps < 4 + prelude.count {
                steps += 1
                do throws(SourceError) {
                    let body = steps <= prelude.count ? Data(prelude[steps - 1].utf8) : data
                    try poll.receive(SourceResponse(url: request.url, status: 200, headers: ["link": "<http://127.0.0.1:1/next>; rel=\"next\""],
                                                    body: body))
                } catch {
                    break  // a refused page ends the poll, as in the daemon
                }
            }
        case .export(_, _, let reader):
            guard let root, let file, FileManager.default.createFile(atPath: file, contents: data) else { return }
            do throws(SourceError) {
                _ = try reader.read(ExportArchive(path: root), handle: "ana")
            } catch {
                _ = error.description
            }
        case .config:
            _ = try? ConfigLoader.parse(String(decoding: data, as: UTF8.self), file: "fuzz.toml", readSecrets: false)  // refusing is allowed
        }
    }
}

// Set once in LLVMFuzzerInitialize, before libFuzzer calls the target; read-only afterwards, and
// libFuzzer calls the target from one thread.
nonisolated(unsafe) var harness: Harness?

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> Int32 {
    harness = Harness.start()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    harness?.run(Data(bytes: bytes, count: count))
    return 0
}
