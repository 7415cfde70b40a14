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
