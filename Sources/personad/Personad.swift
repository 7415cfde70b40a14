import ArgumentParser
import Foundation
import Logging
import PersonaConfig
import PersonaDaemon
import ServiceLifecycle

@main
struct Personad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "personad",
        abstract: "Keeps a separate, explainable persona score for each account on each network.",
        version: Daemon.version)

    @Option(name: .long, help: "The configuration file.")
    var config: String = ConfigLoader.defaultPath

    @Flag(name: .long, help: "Read every source once, write snapshots, and exit (non-zero if any source failed).")
    var once = false

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        let level = logLevel
        // One line per event; `<N>` priorities and no timestamps when standard error is the journal.
        let journal = JournalLogHandler.standardErrorIsJournal()
        LoggingSystem.bootstrap { label in
            var handler = JournalLogHandler(label: label, journal: journal)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "personad")
        /// A line for the operator outside the logger (configuration and start-up failures, the
        /// `--once` summary): an error, so priority 3 under the journal.
        func complain(_ text: String) {
            FileHandle.standardError.write(Data(((journal ? "<3>" : "") + "personad: \(text)\n").utf8))
        }
        let configuration: Configuration
        do {
            configuration = try ConfigLoader.load(path: config)
        } catch {
            complain("\(error)")
            throw ExitCode(78) // EX_CONFIG: systemd will not restart-loop on a broken config.
        }
        if once {
            let failures: [String]
            do {
                failures = try await Daemon.runOnce(configuration: configuration, logger: logger)
            } catch {
                complain("\(error)")
                throw ExitCode(1)
            }
            for failure in failures { complain(failure) }
            print("personad: snapshots written to \(configuration.snapshotDirectory)")
            if !failures.isEmpty { throw ExitCode(1) }
            return
        }
        logger.info("personad \(Daemon.version) starting with \(config): \(configuration.personas.count) personas, snapshots in \(configuration.snapshotDirectory)")
        let group = ServiceGroup(configuration: .init(
            services: [Daemon(configuration: configuration, logger: logger)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            complain("\(error)")
            throw ExitCode(1)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
