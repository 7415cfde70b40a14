import ArgumentParser
import Foundation
import PersonaConfig
import PersonaModel
import PersonaSnapshots
import PersonaUtilities
#if canImport(Glibc)
import Glibc
#endif

/// The operator's tool. It reads snapshot files and sends signals, like any other tool could;
/// it never links the daemon.
@main
struct Personactl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "personactl",
        abstract: "Read personad's snapshots, trigger refreshes, check configuration.",
        version: PersonadVersion.current,
        subcommands: [Status.self, Show.self, Explain.self, History.self, Report.self, Refresh.self, CheckConfig.self])

    @Option(name: .long, help: "The daemon's configuration file (default \(ConfigLoader.defaultPath)).")
    var config: String?
}

/// `--config` is accepted before the subcommand (`personactl --config F status`) or after it.
struct ConfigOption: ParsableArguments {
    @ParentCommand var root: Personactl

    @Option(name: .long, help: "The daemon's configuration file (default \(ConfigLoader.defaultPath)).")
    var config: String?

    func load() throws -> Configuration {
        let (path, environment) = Self.resolve(explicit: config ?? root.config)
        do {
            // Reading snapshots needs no secret, and the user reading them may not be allowed to read one.
            return try ConfigLoader.load(path: path, environment: environment, readSecrets: false)
        } catch {
            throw Failure("\(error)", code: 78)
        }
    }

    /// Which configuration, and the environment its defaults are computed in: `--config`, else
    /// `$PERSONAD_CONFIG`, else the system's file, else the user's (`$XDG_CONFIG_HOME/personad/
    /// personad.toml`, as the user unit runs it). For the user's file the state and runtime
    /// directories are the ones systemd gives the user unit (`$XDG_STATE_HOME/personad`,
    /// `$XDG_RUNTIME_DIR/personad`), so the snapshots and the PID file are found where it keeps them.
    static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> (String, [String: String]) {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
        let userConfig = configHome + "/personad/personad.toml"
        let path = explicit ?? environment["PERSONAD_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (!FileManager.default.fileExists(atPath: ConfigLoader.defaultPath) && FileManager.default.fileExists(atPath: userConfig)
                ? userConfig : ConfigLoader.defaultPath)
        guard URL(fileURLWithPath: path).standardizedFileURL.path == URL(fileURLWithPath: userConfig).standardizedFileURL.path else {
            return (path, environment)
        }
        var user = environment
        let stateHome = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/state"
        user["STATE_DIRECTORY"] = user["STATE_DIRECTORY"] ?? stateHome + "/personad"
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            user["RUNTIME_DIRECTORY"] = user["RUNTIME_DIRECTORY"] ?? runtime + "/personad"
        }
        return (path, user)
    }
}

/// A failure with a message for stderr and an exit code.
struct Failure: Error, CustomStringConvertible {
    var description: String
    var code: Int32
    init(_ description: String, code: Int32 = 1) {
        self.description = description
        self.code = code
    }
}

func fail(_ error: Failure) -> ExitCode {
    FileHandle.standardError.write(Data("personactl: \(error.description)\n".utf8))
    return ExitCode(error.code)
}

func readJSON<T: Decodable>(_ type: T.Type, at path: String) throws -> T {
    guard let data = FileManager.default.contents(atPath: path) else { throw Failure(unreadable(path)) }
    do {
        return try SnapshotCoding.decoder().decode(T.self, from: data)
    } catch {
        throw Failure("\(path): not a valid snapshot (\(error))")
    }
}

/// Why a file cannot be read, for the operator: missing (personad has not written it yet) is not
/// the same as not allowed (a state directory only personad's user may enter).
func unreadable(_ path: String) -> String {
    var info = stat()
    if stat(path, &info) != 0 {
        if errno == EACCES {
            return "\(path): permission denied on a directory above it: run personactl as a user who may read personad's "
                + "state directory (root, or see 'Reading the snapshots' in Docs/operations.md)"
        }
        return "\(path): no such file (has personad run yet?)"
    }
    if access(path, R_OK) != 0 {
        return "\(path): permission denied: run personactl as a user who may read personad's snapshots "
            + "(root, or see 'Reading the snapshots' in Docs/operations.md)"
    }
    return "\(path): cannot be read"
}

func age(since date: Date?, now: Date = Date()) -> String {
    guard let date else { return "never" }
    let seconds = max(0, now.timeIntervalSince(date))
    return Durations.format(seconds < 120 ? seconds : (seconds / 60).rounded() * 60)
}

/// "48.2–61.0": a 90% interval as the tables print it.
func intervalText(_ interval: Interval) -> String { String(format: "%.1f–%.1f", interval.low, interval.high) }

func scoreText(_ value: Double?) -> String {
    value.map { String(format: "%.1f", $0) } ?? "-"
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "One row per persona, side by side (never combined).")
    @OptionGroup var options: ConfigOption
    @Flag(name: .long, help: "Print index.json's entries with each persona's last error, as JSON.")
    var json = false

    func run() throws {
        do {
            let configuration = try options.load()
            let index = try readJSON(SnapshotIndex.self, at: (configuration.snapshotDirectory as NSString).appendingPathComponent("index.json"))
            var rows: [[String]] = [["PERSONA", "NETWORK", "SCORE", "90% INTERVAL", "STATUS", "DATA AGE", "LAST ERROR"]]
            var jsonRows: [[String: Any]] = []
            for entry in index.personas {
                // The index's own line stands without its file (being replaced, or unreadable): the
                // data age and error columns then say "-".
                let snapshot = try? readJSON(PersonaSnapshot.self, at: (configuration.snapshotDirectory as NSString).appendingPathComponent(entry.file))
                let lastSuccess = snapshot?.sources.compactMap(\.lastSuccess).max()
                let lastError = snapshot?.sources.compactMap(\.lastError).first
                let interval = entry.score == nil ? nil : snapshot?.score.interval
                rows.append([entry.id, entry.network.rawValue, scoreText(entry.score), interval.map(intervalText) ?? "-", entry.status.rawValue,
                             age(since: lastSuccess), lastError ?? "-"])
                jsonRows.append([
                    "id": entry.id, "network": entry.network.rawValue, "score": entry.score ?? NSNull(),
                    "interval": interval.map { ["low": $0.low, "high": $0.high] as [String: Any] } ?? NSNull(),
                    "status": entry.status.rawValue,
                    "last_success": lastSuccess.map { ISO8601DateFormatter().string(from: $0) } ?? NSNull(),
                    "last_error": lastError ?? NSNull(),
                ])
            }
            if json {
                let data = try JSONSerialization.data(withJSONObject: jsonRows, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                let colour = Terminal.colours()
                printTable(rows) { column, cell, padded in column == 4 && colour ? Terminal.paint(status: cell, padded) : padded }
            }
        } catch let error as Failure {
            throw fail(error)
        }
    }
}

/// Aligned columns, two spaces apart. `paint` may colour a cell after it was padded (so escape
/// codes never count toward a column's width); the header row is never painted.
func printTable(_ rows: [[String]], paint: (_ column: Int, _ cell: String, _ padded: String) -> String = { $2 }) {
    for line in tableLines(rows, paint: paint) { print(line) }
}

/// The lines of `printTable`.
func tableLines(_ rows: [[String]], paint: (_ column: Int, _ cell: String, _ padded: String) -> String = { $2 }) -> [String] {
    guard let columns = rows.first?.count else { return [] }
    let widths = (0..<columns).map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.enumerated().map { index, row in
        row.enumerated().map { column, cell in
            let padded = column == columns - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            return index == 0 ? padded : paint(column, cell, padded)
        }.joined(separator: "  ")
    }
}

/// Colour on a terminal only: never when standard output is not a TTY, when `NO_COLOR` is set
/// and not empty (no-color.org), or when `TERM` is `dumb`.
enum Terminal {
    static func colours(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard isatty(STDOUT_FILENO) != 0 else { return false }
        if let noColour = environment["NO_COLOR"], !noColour.isEmpty { return false }
        return environment["TERM"] != "dumb"
    }

    /// A status in its colour: ok green, insufficient data and deferred yellow, stale and failing
    /// magenta, error and gone red.
    static func paint(status: String, _ text: String) -> String {
        let code: String
        switch status {
        case "ok": code = "32"
        case "insufficient_data", "deferred", "pending": code = "33"
        case "stale", "failing": code = "35"
        case "error", "gone": code = "31"
        default: return text
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "One persona's score, components, sources and topics.")
    @OptionGroup var options: ConfigOption
    @Argument(help: "The persona id.") var id: String
    @Flag(name: .long, help: "Print the snapshot file as it is.") var json = false

    func run() throws {
        do {
            let configuration = try options.load()
            guard PersonaID(rawValue: id) != nil else { throw Failure("'\(id)' is not a persona id") }
            let path = (configuration.snapshotDirectory as NSString).appendingPathComponent("\(id).json")
            if json {
                guard let data = FileManager.default.contents(atPath: path) else { throw Failure(unreadable(path)) }
                FileHandle.standardOutput.write(data)
                return
            }
            let snapshot = try readJSON(PersonaSnapshot.self, at: path)
            let score = snapshot.score
            print("\(snapshot.persona.id) — \(snapshot.persona.handle) on \(snapshot.persona.network)")
            let interval = score.interval.map { ", 90% interval \(intervalText($0))" } ?? ""
            print("score \(scoreText(score.value))\(interval) (\(score.status.rawValue)), formula v\(score.formulaVersion), generated \(age(since: snapshot.generatedAt)) ago")
            if let reason = score.statusReason { print("  \(reason)") }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            print("window \(formatter.string(from: score.window.start)) – \(formatter.string(from: score.window.end)); \(score.sample.posts) own posts, \(score.sample.interactions) interactions")
            print("")
            for component in score.components {
                if component.measured {
                    print("  " + component.name.padding(toLength: 14, withPad: " ", startingAt: 0) + String(
                        format: " raw %8.2f  → %5.1f × %.2f × %.2f = %5.1f",
                        component.raw ?? 0, component.normalized ?? 0, component.weight, component.factor, component.contribution ?? 0)
                        + (component.interval.map { "  (90%: \(intervalText($0)))" } ?? ""))
                    print("                 \(component.reason)")
                } else {
                    print("  " + component.name.padding(toLength: 14, withPad: " ", startingAt: 0) + " not measured: \(component.reason)")
                }
            }
            print("")
            for source in snapshot.sources {
                print("  source \(source.kind.rawValue) \(source.location)")
                print("         last success \(age(since: source.lastSuccess)) ago" + (source.lastError.map { "; last error: \($0)" } ?? ""))
                for note in source.notes ?? [] { print("         note: \(note)") }
            }
            if !snapshot.topics.interests.isEmpty { print("\ninterests: \(snapshot.topics.interests.joined(separator: ", "))") }
            if !snapshot.topics.expertise.isEmpty { print("expertise: \(snapshot.topics.expertise.joined(separator: ", "))") }
        } catch let error as Failure {
            throw fail(error)
        }
    }
}

struct Refresh: ParsableCommand {
    /// A file's inode and modification time, or nil if it does not exist.
    static func identity(of path: String) -> [Int]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [Int(info.st_ino), info.st_mtim.tv_sec, info.st_mtim.tv_nsec]
    }

    static let configuration = CommandConfiguration(abstract: "Ask the running daemon to refresh every persona now (SIGUSR1).")
    /// Where the systemd unit's daemon keeps its PID file (`RuntimeDirectory=personad`).
    static let unitPidFile = "/run/personad/personad.pid"
    @OptionGroup var options: ConfigOption
    @Option(name: .long, help: "Wait up to this many seconds for index.json to be rewritten; non-zero exit on timeout.")
    var wait: Double?

    func run() throws {
        do {
            let configuration = try options.load()
            // Under the unit the daemon's PID file is in its runtime directory, which a shell does
            // not know: the configured place first, then the unit's.
            let candidates = [configuration.pidFile, Self.unitPidFile]
            // A PID file that exists, or one hidden by a directory this user may not enter.
            guard let pidFile = candidates.first(where: { path in
                var info = stat()
                return stat(path, &info) == 0 || errno == EACCES
            }) else {
                throw Failure("no PID file at \(candidates.joined(separator: " or ")); is personad running?")
            }
            let text: String
            do {
                text = try String(contentsOfFile: pidFile, encoding: .utf8)
            } catch {
                throw Failure(unreadable(pidFile))
            }
            guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1 else {
                throw Failure("\(pidFile): does not hold a process id")
            }
            let indexPath = (configuration.snapshotDirectory as NSString).appendingPathComponent("index.json")
            // The daemon replaces index.json by renaming a new file over it: a new inode. While
            // waiting, the (large) index is decoded only when that changes: no CPU taken from the daemon.
            var seen = Self.identity(of: indexPath)
            // The refresh's index is generated after the signal. Its time has whole seconds, so an
            // index of the same second counts: comparing with the previous index's time instead
            // missed a refresh that followed another within one second (seen under a real systemd).
            let sent = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            guard kill(pid, SIGUSR1) == 0 else {
                throw Failure("cannot signal PID \(pid) from \(pidFile): \(String(cString: strerror(errno)))"
                    + (errno == EPERM ? " (the daemon runs as another user: run personactl refresh as root)" : ""))
            }
            guard let wait else {
                print("refresh requested (SIGUSR1 sent to \(pid))")
                return
            }
            let deadline = Date().addingTimeInterval(wait)
            while Date() < deadline {
                let current = Self.identity(of: indexPath)
                if current != seen {
                    seen = current
                    // Unreadable for a moment is read again at the next change or poll.
                    if let now = (try? readJSON(SnapshotIndex.self, at: indexPath))?.generatedAt, now >= sent {
                        print("refreshed: index.json generated at \(ISO8601DateFormatter().string(from: now))")
                        return
                    }
                }
                usleep(20_000)
            }
            throw Failure("timed out after \(wait)s waiting for \(indexPath) to change", code: 2)
        } catch let error as Failure {
            throw fail(error)
        }
    }
}

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Validate a configuration file without starting or writing anything; --probe also tries each source once.")
    @Argument(help: "The configuration file.") var path: String
    @Flag(name: .long, help: "Print what was checked as JSON.") var json = false
    @Flag(name: .long, help: "Also try each source once (an export is read, a remote source gets its first request); exit 1 if any fails.")
    var probe = false

    func run() async throws {
        let configuration: Configuration
        do {
            configuration = try ConfigLoader.load(path: path)
        } catch {
            throw fail(Failure("\(error)", code: 78))
        }
        let results = probe ? await Probe(configuration: configuration).run() : []
        let sources = configuration.personas.reduce(0) { $0 + $1.sources.count }
        if json {
            var object: [String: Any] = [
                "file": path, "drop_ins": configuration.dropIns, "personas": configuration.personas.map(\.id.rawValue),
                "sources": sources, "snapshot_directory": configuration.snapshotDirectory,
            ]
            if probe {
                object["probe"] = results.map { ["persona": $0.persona, "kind": $0.kind.rawValue, "location": $0.location, "ok": $0.ok, "detail": $0.detail] }
            }
            // Strings, numbers and booleans only: serialisation cannot fail on these.
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
            print(String(decoding: data, as: UTF8.self))
        } else {
            let dropIns = configuration.dropIns.isEmpty ? "" : " (with \(configuration.dropIns.count) drop-ins: "
                + configuration.dropIns.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ") + ")"
            print("\(path): ok — \(configuration.personas.count) personas, \(sources) sources\(dropIns); snapshots in \(configuration.snapshotDirectory)")
            if probe {
                printTable([["PERSONA", "KIND", "LOCATION", "PROBE"]]
                    + results.map { [$0.persona, $0.kind.rawValue, $0.location, ($0.ok ? "ok: " : "FAILED: ") + $0.detail] })
            }
        }
        if results.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }
}
