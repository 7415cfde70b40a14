import ArgumentParser
import Foundation
import PersonaModel
import PersonaSnapshots
import PersonaStore
#if canImport(Glibc)
import Glibc
#endif

/// `personactl report --html FILE`: every persona's card side by side in one self-contained HTML
/// file, from the snapshots and (for the trends) the store's history.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an HTML report: a card per persona (never merged), with score, interval, components, trend, evidence and topics.")
    @OptionGroup var options: ConfigOption
    @Option(name: .long, help: "Where to write the report ('-' for standard output).") var html: String
    @Option(name: .long, help: "Trends from this date: YYYY-MM-DD, an RFC 3339 time, or an age such as 90d (default: the whole history).")
    var since: String?

    func run() throws {
        do {
            let configuration = try options.load()
            let start = try since.map { text in
                guard let date = History.date(text) else {
                    throw Failure("--since '\(text)': not a date (use YYYY-MM-DD, an RFC 3339 time, or an age such as 30d or 12h)", code: 64)
                }
                return date
            }
            let directory = configuration.snapshotDirectory as NSString
            let index = try readJSON(SnapshotIndex.self, at: directory.appendingPathComponent("index.json"))
            // The trends need the store; without it the cards still stand, each saying why it has no trend.
            var reader: HistoryReader?
            var historyProblem: String?
            do {
                reader = try History.open(databasePath: configuration.databasePath)
            } catch {
                historyProblem = "\(error)"
            }
            var cards: [ReportPage.Card] = []
            for entry in index.personas {
                var card = ReportPage.Card(entry: entry)
                do {
                    card.snapshot = try readJSON(PersonaSnapshot.self, at: directory.appendingPathComponent(entry.file))
                } catch {
                    card.snapshotProblem = "\(error)"
                }
                if let reader, let id = PersonaID(rawValue: entry.id) {
                    do {
                        card.history = try reader.entries(persona: id, since: start)
                    } catch {
                        card.historyProblem = "\(error)"
                    }
                } else {
                    card.historyProblem = historyProblem
                }
                cards.append(card)
            }
            let page = try ReportPage(generatedAt: Date(), indexGeneratedAt: index.generatedAt, cards: cards).render()
            if let historyProblem { FileHandle.standardError.write(Data("personactl: trends left out: \(historyProblem)\n".utf8)) }
            if html == "-" {
                print(page, terminator: "")
                return
            }
            try Self.write(page, to: html)
            print("wrote \(html): \(cards.count) personas")
        } catch let error as Failure {
            throw fail(error)
        }
    }

    /// Written beside the target and renamed over it: a browser or a web server never sees half a page.
    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
        } catch {
            throw Failure("\(path): cannot write the report: \(error.localizedDescription)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path) // the rename's error is what the operator needs; the temporary file must not stay
            throw Failure("\(path): cannot write the report: \(reason)")
        }
    }
}
