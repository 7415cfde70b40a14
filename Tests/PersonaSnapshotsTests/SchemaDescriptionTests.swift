import Foundation
import Testing
import TestSupport

/// The published schemas are documentation too: every property and every definition says what it is.
@Suite struct SchemaDescriptionTests {
    @Test(arguments: ["Docs/snapshot.schema.json", "Docs/index.schema.json"])
    func everyFieldIsDescribed(_ file: String) throws {
        let data = try Data(contentsOf: TestPaths.packageRoot.appendingPathComponent(file))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var checked = 0
        var missing: [String] = []
        func check(_ value: Any, _ path: String) {
            guard let node = value as? [String: Any] else { return }
            checked += 1
            if (node["description"] as? String)?.isEmpty != false { missing.append(path) }
            walk(node, path)
        }
        func walk(_ node: [String: Any], _ path: String) {
            for (name, property) in (node["properties"] as? [String: Any] ?? [:]) { check(property, "\(path).\(name)") }
            for (name, definition) in (node["$defs"] as? [String: Any] ?? [:]) { check(definition, "$defs.\(name)") }
            if let items = node["items"] as? [String: Any] { walk(items, path + "[]") }
            for key in ["oneOf", "anyOf", "allOf"] {
                for branch in node[key] as? [[String: Any]] ?? [] { walk(branch, path) }
            }
        }
        walk(schema, "")
        #expect(checked >= 9, "\(file): only \(checked) fields found")
        #expect(missing.isEmpty, "\(file): no description for \(missing.sorted())")
    }
}
