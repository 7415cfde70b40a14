import Foundation
import PersonaConfig
import PersonaFetch
import PersonaModel
import PersonaSources
import PersonaUtilities

/// `check-config --probe`: each source tried once, as the daemon would read it, writing nothing.
/// An export is opened and read by its network's reader (its posts counted, then dropped; for a
/// folder or glob, the newest archive); a remote source makes the first request of a poll through
/// libcurl, with its credentials, and hands a 2xx body to its reader. It says per source what
/// worked or what to fix.
struct Probe {
    struct Result: Sendable {
        var persona: String
        var kind: SourceKind
        var location: String
        var ok: Bool
        var detail: String
    }

    let configuration: Configuration

    func run() async -> [Result] {
        let engine = FetchEngine(maximumConcurrent: 8, maximumPerHost: 2, userAgent: "personad/\(PersonadVersion.current) (check-config --probe)")
        defer { engine.shutdown() }
        var results: [Result] = []
        for persona in configuration.personas {
            for source in persona.sources {
                let (ok, detail) = await probe(persona, source, engine: engine)
                results.append(Result(persona: persona.id.rawValue, kind: source.kind, location: source.location, ok: ok, detail: detail))
            }
        }
        return results
    }

    func probe(_ persona: PersonaConfiguration, _ source: SourceConfiguration, engine: FetchEngine) async -> (Bool, String) {
        switch SourceRegistry.reader(network: persona.network, kind: source.kind) {
        case .export(let reader)?:
            guard var path = source.path else { return (false, "no path") }
            if ExportSet.isSet(path) {
                guard let newest = ExportSet.archives(at: path).last else { return (false, "\(path): no export archive there yet") }
                path = newest.path
            }
            do throws(SourceError) {
                var posts = 0
                let observation = try reader.read(try ExportArchive(path: path), handle: persona.handle) { batch throws(SourceError) in
                    posts += batch.count
                    batch.removeAll(keepingCapacity: true)
                }
                return (true, "read \(posts + observation.posts.count) posts from \((path as NSString).lastPathComponent)")
            } catch {
                return (false, "\(error)")
            }
        case .remote(let reader)?:
            guard let url = source.url else { return (false, "no url") }
            var poll = reader.makePoll(PollContext(url: url, handle: persona.handle,
                                                   windowStart: Date().addingTimeInterval(-configuration.window(for: persona)),
                                                   maximumPages: 1, secret: source.secret))
            guard let request = poll.nextRequest() else { return (false, "the reader asked for nothing") }
            let shown = FetchEngine.redact(request.url)
            do {
                let response = try await engine.fetch(FetchRequest(
                    url: request.url, maximumBytes: source.maximumBytes, totalTimeout: source.timeout, allowFile: source.path != nil,
                    caFile: source.caFile, authorization: request.authorization, form: request.form, userAgent: request.userAgent))
                guard (200..<300).contains(response.status) else {
                    let hint = response.status == 401 || response.status == 403
                        ? (source.secret == nil ? " (does it need a token_file or credential?)" : " (check the token or credentials)") : ""
                    return (false, "HTTP \(response.status) from \(shown)\(hint)")
                }
                try poll.receive(SourceResponse(url: request.url, status: response.status, headers: response.headers, body: response.body))
                let posts = poll.observation.posts.count
                let fetched = request.url.hasPrefix("file:") ? "read \(source.path ?? shown)" : "HTTP \(response.status) from \(shown)"
                return (true, fetched + (posts > 0 ? ", \(posts) posts on the first page" : ", understood"))
            } catch {
                return (false, "\(error)")
            }
        case nil:
            return (false, "no reader for \(persona.network) \(source.kind)")
        }
    }
}
