import Foundation
import PersonaModel
import PersonaSources
import Testing
import TestSupport

/// The registry is the one list of networks: the schemas, the docs and every folder must agree with it.
@Suite struct SourceRegistryTests {
    static let ids = SourceRegistry.networks.map(\.network.rawValue)

    @Test func everyDescriptorIsWhole() {
        #expect(Set(Self.ids).count == Self.ids.count, "a network is registered twice: \(Self.ids)")
        #expect(Self.ids.count >= 9)
        for descriptor in SourceRegistry.networks {
            let id = descriptor.network.rawValue
            #expect(id.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil, "\(id) is not a lower-case id")
            #expect(!descriptor.displayName.isEmpty, "\(id)")
            #expect(!descriptor.kinds.isEmpty, "\(id) has no reader")
            #expect(descriptor.engagerLookups.isSubset(of: Set(descriptor.kinds)), "\(id) looks up engagers on a kind it cannot read")
            #expect(descriptor.calibration.network == descriptor.network, "\(id)'s calibration names another network")
            #expect(abs(descriptor.calibration.weights.total - 1) < 1e-12, "\(id)'s weights")
            #expect(!descriptor.calibration.note.isEmpty, "\(id)'s calibration says nothing of its source")
            #expect(SourceRegistry.descriptor(descriptor.network)?.displayName == descriptor.displayName)
        }
        #expect(SourceRegistry.descriptor(Network("myspace")) == nil)
    }

    /// `Docs/*.schema.json` spell out the network ids for readers of snapshots; nothing else checks them.
    @Test(arguments: ["Docs/snapshot.schema.json", "Docs/index.schema.json"])
    func schemaNetworkEnumEqualsTheRegistry(_ file: String) throws {
        let data = try Data(contentsOf: TestPaths.packageRoot.appendingPathComponent(file))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var enums: [[String]] = []
        func walk(_ value: Any, key: String?) {
            if let object = value as? [String: Any] {
                if key == "network", let values = object["enum"] as? [String] { enums.append(values) }
                for (name, member) in object { walk(member, key: name) }
            } else if let array = value as? [Any] {
                for member in array { walk(member, key: nil) }
            }
        }
        walk(schema, key: nil)
        #expect(!enums.isEmpty, "\(file) has no network enum")
        for values in enums {
            #expect(values == Self.ids, "\(file): the network enum should be \(Self.ids)")
        }
    }

    /// `Docs/configuration.md` lists the networks and, per network, which kinds of source it reads.
    @Test func configurationDocsListTheRegistry() throws {
        let text = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Docs/configuration.md"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        let networkRow = try #require(lines.first { $0.hasPrefix("| `network` |") })
        let listed = networkRow.split(separator: "|")[2].split(separator: ",").map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: " `"))
        }
        #expect(listed == Self.ids, "the `network` row should list \(Self.ids.map { "`\($0)`" }.joined(separator: ", "))")

        var rows: [String: [SourceKind]] = [:]
        for line in lines where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 6 else { continue }
            let id = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            guard Self.ids.contains(id) else { continue }
            rows[id] = zip([SourceKind.export, .api, .feed], cells[2...4]).compactMap { $1.isEmpty ? nil : $0 }
        }
        for descriptor in SourceRegistry.networks {
            #expect(rows[descriptor.network.rawValue] == descriptor.kinds,
                    "the readers table's row for \(descriptor.network) should fill \(descriptor.kinds)")
        }
        #expect(rows.count == Self.ids.count)
    }

    /// Each network's folder holds its README and a sample configuration for that network.
    @Test func everyNetworkFolderHasItsReadmeAndSample() throws {
        let root = TestPaths.packageRoot.appendingPathComponent("Sources/PersonaSources")
        let folders = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0 != "Common" }
        var found: Set<String> = []
        for folder in folders {
            let sample = root.appendingPathComponent(folder).appendingPathComponent("sample.toml")
            guard FileManager.default.fileExists(atPath: sample.path) else { continue } // not a network folder
            let text = try String(contentsOf: sample, encoding: .utf8)
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(folder).appendingPathComponent("README.md").path),
                    "\(folder) has a sample.toml but no README.md")
            for id in Self.ids where text.contains("network = \"\(id)\"") { found.insert(id) }
        }
        #expect(found == Set(Self.ids), "networks without a sample.toml in their folder: \(Set(Self.ids).subtracting(found).sorted())")
    }
}
