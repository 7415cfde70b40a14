import Foundation
import PersonaModel
import PersonaSources
import TOMLKit
#if canImport(Glibc)
import Glibc
#endif

/// Reads and validates `personad.toml`. Nothing is used before all of it has been checked.
///
/// Relative paths are taken relative to the configuration file's directory, so a config and
/// its data can move together.
public enum ConfigLoader {
    public static let defaultPath = "/etc/personad/personad.toml"
    /// Mastodon and Bluesky API sources look up who reacted to this many of the newest changed posts per poll.
    public static let defaultEngagers = 20

    /// Reads the main file, then each drop-in of `conf.d/` beside it (`*.toml`, in name order).
    /// A drop-in holds `[[persona]]` tables only (`[daemon]` and `[scoring]` belong in the main
    /// file); its relative paths are relative to the drop-in's own directory. A persona id defined
    /// twice is an error naming both places.
    ///
    /// `readSecrets: false` checks each `token_file` and `credential` key but reads no file: for
    /// tools that only read snapshots and may not read the daemon's secrets (`personactl status`).
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                            readSecrets: Bool = true) throws(ConfigError) -> Configuration {
        var configuration = try parse(try read(path), file: path, environment: environment, readSecrets: readSecrets)
        for dropIn in try dropIns(beside: path) {
            let personas = try parseDropIn(try read(dropIn), file: dropIn, environment: environment, readSecrets: readSecrets)
            for persona in personas {
                if let first = configuration.personas.first(where: { $0.id == persona.id }) {
                    throw ConfigError(file: dropIn, line: persona.line, key: "persona.id",
                                      detail: "'\(persona.id)' is already defined in \(first.file)\(first.line.map { ":\($0)" } ?? ""); ids must be unique")
                }
            }
            configuration.personas += personas
            configuration.dropIns.append(dropIn)
        }
        return configuration
    }

    /// The file's text. A failure names the system's reason ("Permission denied", "Is a
    /// directory"), which says what to fix better than Foundation's general wording.
    static func read(_ path: String) throws(ConfigError) -> String {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw ConfigError(file: path, detail: "cannot read (\(String(cString: strerror(errno))))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw ConfigError(file: path, detail: "cannot read (\(String(cString: strerror(EISDIR))): give the configuration file, not its folder)")
        }
        let data: Data
        do {
            data = try handle.readToEnd() ?? Data()
        } catch {
            throw ConfigError(file: path, detail: "cannot read (\(error.localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, detail: "cannot read (not UTF-8 text)")
        }
        return text
    }

    /// `conf.d/*.toml` beside `path`, in name order; none if there is no such directory.
    public static func dropIns(beside path: String) throws(ConfigError) -> [String] {
        let directory = (URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path as NSString)
            .appendingPathComponent("conf.d")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ConfigError(file: directory, detail: "cannot list the drop-in directory (\(error.localizedDescription))")
        }
        return names.filter { $0.hasSuffix(".toml") && !$0.hasPrefix(".") }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            .map { (directory as NSString).appendingPathComponent($0) }
    }

    /// A drop-in: `[[persona]]` tables, checked as in the main file.
    static func parseDropIn(_ text: String, file: String, environment: [String: String] = [:], readSecrets: Bool = true) throws(ConfigError) -> [PersonaConfiguration] {
        var (table, reader) = try tables(text, file: file)
        defer { TOMLDocumentRelease.release(table) } // after the personas are read out of it
        reader.credentialsDirectory = environment["CREDENTIALS_DIRECTORY"]
        reader.readSecrets = readSecrets
        try reader.checkKeys(table, allowed: ["persona"], at: KeyPath(),
                             why: "a drop-in holds [[persona]] tables; [daemon] and [scoring] belong in the main file")
        return try reader.personas(table)
    }

    /// The main file alone (no drop-ins).
    public static func parse(_ text: String, file: String, environment: [String: String] = [:], readSecrets: Bool = true) throws(ConfigError) -> Configuration {
        var (table, reader) = try tables(text, file: file)
        defer { TOMLDocumentRelease.release(table) } // after the configuration is read out of it
        reader.credentialsDirectory = environment["CREDENTIALS_DIRECTORY"]
        reader.readSecrets = readSecrets
        return try reader.configuration(table, environment: environment)
    }

    static func tables(_ text: String, file: String) throws(ConfigError) -> (TOMLTable, TableReader) {
        let table: TOMLTable
        try TOMLHeaderGuard.check(text, file: file)
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, detail: "TOML syntax: \(error.description) (column \(error.source.begin.column))")
        } catch {
            throw ConfigError(file: file, detail: "TOML syntax: \(error)")
        }
        let absoluteFile = URL(fileURLWithPath: file).standardizedFileURL.path
        let base = (URL(fileURLWithPath: absoluteFile).deletingLastPathComponent().path as NSString)
        return (table, TableReader(file: absoluteFile, locator: KeyLocator(text: text), base: base))
    }
}

/// Walks the parsed TOML, checking every key and value and naming each error's line.
struct TableReader {
    let file: String
    let locator: KeyLocator
    let base: NSString
    /// Where systemd put the unit's credentials (`$CREDENTIALS_DIRECTORY`), for `credential = NAME`.
    var credentialsDirectory: String?
    /// Whether `token_file` and `credential` are read (the daemon, check-config) or only checked.
    var readSecrets = true

    func fail(_ path: KeyPath, _ detail: String) -> ConfigError {
        ConfigError(file: file, line: locator.line(of: path), key: path.description, detail: detail)
    }

    func checkKeys(_ table: TOMLTable, allowed: Set<String>, at path: KeyPath, why: String? = nil) throws(ConfigError) {
        for key in table.keys where !allowed.contains(key) {
            throw fail(path.appending(key), why ?? "unknown key (allowed here: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    func string(_ table: TOMLTable, _ key: String, at path: KeyPath) throws(ConfigError) -> String? {
        guard let value = table[key] else { return nil }
        guard let string = value.string else { throw fail(path.appending(key), "expected a string") }
        return string
    }

    func number(_ table: TOMLTable, _ key: String, at path: KeyPath) throws(ConfigError) -> Double? {
        guard let value = table[key] else { return nil }
        if let double = value.double { return double }
        if let int = value.int { return Double(int) }
        throw fail(path.appending(key), "expected a number")
    }

    func integer(_ table: TOMLTable, _ key: String, at path: KeyPath, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let int = value.int else { throw fail(path.appending(key), "expected a whole number") }
        guard range.contains(int) else { throw fail(path.appending(key), "must be between \(range.lowerBound) and \(range.upperBound)") }
        return int
    }

    func duration(_ table: TOMLTable, _ key: String, at path: KeyPath, minimum: TimeInterval, maximum: TimeInterval) throws(ConfigError) -> TimeInterval? {
        guard let text = try string(table, key, at: path) else { return nil }
        guard let seconds = Durations.parse(text) else {
            throw fail(path.appending(key), "'\(text)' is not a duration (use e.g. \"90s\", \"30m\", \"6h\", \"1h30m\", \"90d\")")
        }
        guard seconds >= minimum else { throw fail(path.appending(key), "'\(text)' is shorter than the minimum of \(Durations.format(minimum))") }
        guard seconds <= maximum else { throw fail(path.appending(key), "'\(text)' is longer than the maximum of \(Durations.format(maximum))") }
        return seconds
    }

    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (base.appendingPathComponent(path) as NSString).standardizingPath
    }

    mutating func configuration(_ root: TOMLTable, environment: [String: String]) throws(ConfigError) -> Configuration {
        let top = KeyPath()
        try checkKeys(root, allowed: ["daemon", "scoring", "persona"], at: top)
        let daemon = try root["daemon"].map { value throws(ConfigError) in
            guard let table = value.table else { throw fail(top.appending("daemon"), "expected a table [daemon]") }
            return table
        } ?? TOMLTable()
        let daemonPath = top.appending("daemon")
        try checkKeys(daemon, allowed: ["state_directory", "snapshot_directory", "pid_file", "interval", "jitter",
                                       "max_connections", "max_per_host", "max_pages", "metrics_file", "history_full", "history_daily"],
                      at: daemonPath)
        let systemdState = environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init)
        let state = absolute(try string(daemon, "state_directory", at: daemonPath) ?? systemdState ?? "/var/lib/personad")
        let snapshots = absolute(try string(daemon, "snapshot_directory", at: daemonPath) ?? (state as NSString).appendingPathComponent("snapshots"))
        let runtime = environment["RUNTIME_DIRECTORY"]?.split(separator: ":").first.map(String.init)
        let pidFile = absolute(try string(daemon, "pid_file", at: daemonPath)
            ?? ((runtime ?? state) as NSString).appendingPathComponent("personad.pid"))
        let interval = try duration(daemon, "interval", at: daemonPath, minimum: 10, maximum: 30 * 86400) ?? 30 * 60
        let jitter = try number(daemon, "jitter", at: daemonPath) ?? 0.1
        guard (0...0.5).contains(jitter) else { throw fail(daemonPath.appending("jitter"), "must be between 0 and 0.5") }
        let connections = try integer(daemon, "max_connections", at: daemonPath, range: 1...1000) ?? 50
        let perHost = try integer(daemon, "max_per_host", at: daemonPath, range: 1...100) ?? 6
        let pages = try integer(daemon, "max_pages", at: daemonPath, range: 1...1000) ?? 10
        // "" turns the metrics file off; the default sits beside the store.
        let metricsSetting = try string(daemon, "metrics_file", at: daemonPath)
        let metricsFile = metricsSetting.map { $0.isEmpty ? nil : absolute($0) } ?? (state as NSString).appendingPathComponent("personad.prom")
        // History retention: every entry for `history_full`, then one a day until `history_daily`.
        let historyFull = try duration(daemon, "history_full", at: daemonPath, minimum: 86400, maximum: 36500 * 86400) ?? 14 * 86400
        let historyDaily = try duration(daemon, "history_daily", at: daemonPath, minimum: 86400, maximum: 36500 * 86400) ?? max(730 * 86400, historyFull)
        guard historyDaily >= historyFull else {
            throw fail(daemonPath.appending("history_daily"), "must not be shorter than history_full (\(Durations.format(historyFull)))")
        }

        var window: TimeInterval = 90 * 86400
        if let scoringValue = root["scoring"] {
            let scoringPath = top.appending("scoring")
            guard let scoring = scoringValue.table else { throw fail(scoringPath, "expected a table [scoring]") }
            try checkKeys(scoring, allowed: ["window"], at: scoringPath)
            window = try duration(scoring, "window", at: scoringPath, minimum: 86400, maximum: 36500 * 86400) ?? window
        }

        let personas = try self.personas(root)
        var configuration = Configuration(
            file: file, stateDirectory: state, snapshotDirectory: snapshots, pidFile: pidFile,
            interval: interval, jitter: jitter, window: window,
            maximumConnections: connections, maximumPerHost: perHost, maximumPages: pages, personas: personas,
            metricsFile: metricsFile)
        configuration.historyFull = historyFull
        configuration.historyDaily = historyDaily
        return configuration
    }

    /// The `[[persona]]` tables of one file, ids unique within it.
    func personas(_ root: TOMLTable) throws(ConfigError) -> [PersonaConfiguration] {
        var personas: [PersonaConfiguration] = []
        var ids: Set<PersonaID> = []
        guard let personaValue = root["persona"] else { return [] }
        guard let array = personaValue.array else { throw fail(KeyPath().appending("persona"), "expected [[persona]] tables") }
        for (index, element) in array.enumerated() {
            let path = KeyPath().appending("persona", index: index)
            guard let table = element.table else { throw fail(path, "expected a table") }
            let persona = try self.persona(table, at: path)
            guard ids.insert(persona.id).inserted else {
                throw fail(path.appending("id"), "'\(persona.id)' is used by another persona; ids must be unique")
            }
            personas.append(persona)
        }
        return personas
    }

    func persona(_ table: TOMLTable, at path: KeyPath) throws(ConfigError) -> PersonaConfiguration {
        try checkKeys(table, allowed: ["id", "network", "handle", "source", "window"], at: path)
        guard let rawID = try string(table, "id", at: path) else { throw fail(path, "missing key 'id'") }
        guard let id = PersonaID(rawValue: rawID) else {
            throw fail(path.appending("id"), "'\(rawID)' is not a valid id (lower-case letters, digits and '-', starting with a letter or digit, at most 64)")
        }
        guard let rawNetwork = try string(table, "network", at: path) else { throw fail(path, "missing key 'network'") }
        guard let descriptor = SourceRegistry.descriptor(Network(rawNetwork)) else {
            let known = SourceRegistry.networks.map(\.network.rawValue).joined(separator: ", ")
            throw fail(path.appending("network"), "unknown network '\(rawNetwork)' (one of: \(known))")
        }
        let network = descriptor.network
        guard let handle = try string(table, "handle", at: path), !handle.isEmpty else { throw fail(path, "missing key 'handle'") }
        if let problem = descriptor.handleProblem(handle) {
            throw fail(path.appending("handle"), "'\(handle)' is not a \(descriptor.displayName) handle: \(problem)")
        }
        guard let sourceArray = table["source"]?.array, !sourceArray.isEmpty else {
            throw fail(path, "persona '\(id)' has no [[persona.source]]")
        }
        var sources: [SourceConfiguration] = []
        for (index, element) in sourceArray.enumerated() {
            let sourcePath = path.appending("source", index: index)
            guard let sourceTable = element.table else { throw fail(sourcePath, "expected a table") }
            sources.append(try source(sourceTable, descriptor: descriptor, handle: handle, at: sourcePath))
        }
        let window = try duration(table, "window", at: path, minimum: 86400, maximum: 36500 * 86400)
        return PersonaConfiguration(id: id, network: network, handle: handle, sources: sources, window: window, file: file,
                                    line: locator.line(of: path.appending("id")))
    }

    func source(_ table: TOMLTable, descriptor: any NetworkDescriptor, handle: String, at path: KeyPath) throws(ConfigError) -> SourceConfiguration {
        let network = descriptor.network
        try checkKeys(table, allowed: ["kind", "path", "url", "interval", "ca_file", "max_bytes", "timeout", "engagers", "token_file", "credential"], at: path)
        guard let rawKind = try string(table, "kind", at: path) else { throw fail(path, "missing key 'kind'") }
        guard let kind = SourceKind(rawValue: rawKind) else {
            throw fail(path.appending("kind"), "unknown kind '\(rawKind)' (one of: export, api, feed)")
        }
        guard let reader = descriptor.readers[kind] else {
            let supported = SourceRegistry.supported.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
            throw fail(path.appending("kind"), "no reader for \(network) \(kind) sources yet (supported: \(supported))")
        }
        let localPath = try string(table, "path", at: path).map(absolute)
        var url = try string(table, "url", at: path)
        switch kind {
        case .export:
            guard url == nil else { throw fail(path.appending("url"), "an export is read from a 'path', not a 'url'") }
            guard localPath != nil else { throw fail(path, "missing key 'path' (the export's .zip or directory)") }
        case .api, .feed:
            if let local = localPath {
                guard url == nil else { throw fail(path.appending("path"), "give either 'url' or 'path', not both") }
                url = URL(fileURLWithPath: local).absoluteString
            } else if let remote = url {
                guard let scheme = URLComponents(string: remote)?.scheme?.lowercased(), ["http", "https"].contains(scheme),
                      URLComponents(string: remote)?.host?.isEmpty == false else {
                    throw fail(path.appending("url"), "'\(remote)' is not an http:// or https:// URL (a local file is given as 'path')")
                }
            } else if let fallback = reader.defaultURL(handle: handle) {
                url = fallback
            } else {
                throw fail(path, "missing key 'url'" + (descriptor.urlHint.map { " (\($0))" } ?? ""))
            }
        }
        let caFile = try string(table, "ca_file", at: path).map(absolute)
        let maxBytes = try number(table, "max_bytes", at: path) ?? Double(16 << 20)
        guard maxBytes >= 1024, maxBytes <= Double(1 << 31) else { throw fail(path.appending("max_bytes"), "must be between 1024 and 2147483648") }
        // Who reacted is asked of the sources whose reader names its engagers (three requests per post at most).
        let namesEngagers = descriptor.engagerLookups.contains(kind)
        let engagers = try integer(table, "engagers", at: path, range: 0...40)
        if let engagers, engagers > 0, !namesEngagers {
            let able = SourceRegistry.networks.flatMap { other in
                other.kinds.filter(other.engagerLookups.contains).map { "\(other.displayName) '\($0)'" }
            }
            throw fail(path.appending("engagers"), "only a \(able.joined(separator: " or ")) source can look up who reacted (set 0 or remove the key)")
        }
        return SourceConfiguration(
            kind: kind, path: localPath, url: url,
            interval: try duration(table, "interval", at: path, minimum: 10, maximum: 30 * 86400),
            caFile: caFile, maximumBytes: Int(maxBytes),
            timeout: try duration(table, "timeout", at: path, minimum: 1, maximum: 3600) ?? 60,
            engagers: engagers ?? (namesEngagers ? ConfigLoader.defaultEngagers : 0),
            secret: try secret(table, descriptor: descriptor, kind: kind, at: path))
    }
}

/// `persona[2].source[1].interval`, 1-based for people.
struct KeyPath: CustomStringConvertible {
    var parts: [(name: String, index: Int?)] = []

    func appending(_ name: String, index: Int? = nil) -> KeyPath {
        var copy = self
        copy.parts.append((name, index))
        return copy
    }

    var description: String {
        parts.map { part in part.index.map { "\(part.name)[\($0 + 1)]" } ?? part.name }.joined(separator: ".")
    }
}

/// `"90s"`, `"30m"`, `"6h"`, `"1d"`, `"1h30m"`, or a bare number of seconds.
public enum Durations {
    public static func parse(_ text: String) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds >= 0 { return seconds }
        var total = 0.0
        var digits = ""
        var sawUnit = false
        for char in trimmed {
            if char.isNumber || char == "." {
                digits.append(char)
                continue
            }
            guard let value = Double(digits) else { return nil }
            let unit: Double
            switch char {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            case "w": unit = 7 * 86400
            default: return nil
            }
            total += value * unit
            digits = ""
            sawUnit = true
        }
        return sawUnit && digits.isEmpty ? total : nil
    }

    /// The shortest human form: `1h30m`, `90d`, `45s`.
    public static func format(_ seconds: TimeInterval) -> String {
        var rest = Int(seconds.rounded())
        if rest == 0 { return "0s" }
        var out = ""
        for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }
}
