import Foundation
import PersonaModel
import PersonaSources
import Testing
import TestSupport
@testable import PersonaConfig

/// Every network's `sample.toml` (beside its code) is a configuration the daemon accepts, for that network.
@Suite struct NetworkSampleTests {
    static let root = TestPaths.packageRoot.appendingPathComponent("Sources/PersonaSources")

    static var samples: [String] {
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] // an unreadable tree fails the count below
        return folders.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/sample.toml").path) }.sorted()
    }

    @Test func thereIsASamplePerNetwork() {
        #expect(Self.samples.count == SourceRegistry.networks.count)
    }

    @Test(arguments: samples)
    func sampleLoads(_ folder: String) throws {
        let path = Self.root.appendingPathComponent("\(folder)/sample.toml").path
        let configuration = try ConfigLoader.load(path: path, environment: [:])
        #expect(!configuration.personas.isEmpty, "\(folder)/sample.toml declares no persona")
        let networks = Set(configuration.personas.map(\.network))
        #expect(networks.count == 1, "\(folder)/sample.toml mixes networks: \(networks)")
        let descriptor = try #require(networks.first.flatMap(SourceRegistry.descriptor))
        #expect(descriptor.displayName.lowercased().replacingOccurrences(of: " ", with: "") == folder.lowercased(),
                "\(folder)/sample.toml is for \(descriptor.displayName)")
    }
}

/// A network's own handle check runs before start and names the network and the fix.
@Suite struct HandleCheckTests {
    func load(bluesky handle: String) throws(ConfigError) -> Configuration {
        try ConfigLoader.parse(TOMLConfig(daemon: [("state_directory", "/tmp/unused")])
            .persona("ana-bsky", network: "bluesky", handle: handle, sources: [("kind", "api")]).description, file: "/etc/personad/personad.toml")
    }

    @Test(arguments: ["ana.bsky.social", "Ana.Example.org", "did:plc:z72i7hdynmk6r22z27h6tvur", "did:web:ana.example", "a"])
    func blueskyHandlesAndDIDsAreAccepted(_ handle: String) throws {
        #expect(try load(bluesky: handle).personas.first?.handle == handle)
    }

    @Test(arguments: [("@ana.bsky.social", "without the '@' (ana.bsky.social)"), ("ana bsky.social", "no spaces")])
    func otherBlueskyHandlesAreRefusedWithTheFix(_ handle: String, _ fix: String) {
        do {
            _ = try load(bluesky: handle)
            Issue.record("'\(handle)' was accepted")
        } catch {
            #expect(error.description.contains("persona[1].handle"), "\(error)")
            #expect(error.description.contains("is not a Bluesky handle"), "\(error)")
            #expect(error.description.contains(fix), "\(error)")
        }
    }
}
