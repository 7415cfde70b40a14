import Foundation

/// A JSON Schema validator for the keywords personad's published schemas use (draft 2020-12
/// subset): `type`, `const`, `enum`, `required`, `properties`, `additionalProperties` (boolean),
/// `items`, `minimum`, `maximum`, `minLength`, `pattern`, `format: date-time` and local `$ref`.
///
/// Important: an unknown keyword makes validation fail, so that the schema cannot grow a rule
/// that this validator silently ignores.
public struct JSONSchemaValidator {
    let root: [String: Any]
    static let known: Set<String> = [
        "$schema", "$id", "$defs", "$ref", "title", "description", "type", "const", "enum", "required", "properties",
        "additionalProperties", "items", "minimum", "maximum", "minLength", "pattern", "format",
    ]

    public init(schemaAt path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationFailure(errors: ["\(path): schema is not an object"])
        }
        root = object
    }

    public struct ValidationFailure: Error, CustomStringConvertible {
        public var errors: [String]
        public var description: String { errors.joined(separator: "\n") }
    }

    /// The list of violations, empty when `document` is valid.
    public func errors(in document: Data) -> [String] {
        guard let value = try? JSONSerialization.jsonObject(with: document, options: [.fragmentsAllowed]) else {
            return ["not JSON"]
        }
        var errors: [String] = []
        check(value, against: root, at: "$", errors: &errors)
        return errors
    }

    public func validate(fileAt path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let found = errors(in: data)
        if !found.isEmpty { throw ValidationFailure(errors: found.map { "\(path): \($0)" }) }
    }

    private func resolve(_ reference: String) -> [String: Any]? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: Any = root
        for part in reference.dropFirst(2).split(separator: "/") {
            guard let object = node as? [String: Any], let next = object[String(part)] else { return nil }
            node = next
        }
        return node as? [String: Any]
    }

    private func typeName(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let number as NSNumber:
            if String(describing: type(of: number)).contains("Boolean") { return "boolean" }
            return number.doubleValue.rounded() == number.doubleValue ? "integer" : "number"
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        default: return "unknown"
        }
    }

    private func matches(_ value: Any, type: String) -> Bool {
        let actual = typeName(value)
        return actual == type || (type == "number" && actual == "integer")
    }

    private func equal(_ a: Any, _ b: Any) -> Bool {
        (a as? NSObject)?.isEqual(b) ?? false
    }

    private func check(_ value: Any, against schema: [String: Any], at path: String, errors: inout [String]) {
        for key in schema.keys where !Self.known.contains(key) {
            errors.append("\(path): schema keyword '\(key)' is not supported by the test validator")
        }
        if let reference = schema["$ref"] as? String {
            guard let target = resolve(reference) else {
                errors.append("\(path): unresolvable $ref \(reference)")
                return
            }
            check(value, against: target, at: path, errors: &errors)
        }
        if let type = schema["type"] {
            let types = (type as? [String]) ?? [(type as? String) ?? ""]
            guard types.contains(where: { matches(value, type: $0) }) else {
                errors.append("\(path): expected \(types.joined(separator: " or ")), found \(typeName(value))")
                return
            }
        }
        if let constant = schema["const"], !equal(value, constant) {
            errors.append("\(path): expected \(constant)")
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { equal(value, $0) }) {
            errors.append("\(path): '\(value)' is not one of \(options)")
        }
        if let number = value as? NSNumber, typeName(value) != "boolean" {
            if let minimum = (schema["minimum"] as? NSNumber)?.doubleValue, number.doubleValue < minimum {
                errors.append("\(path): \(number) is below the minimum \(minimum)")
            }
            if let maximum = (schema["maximum"] as? NSNumber)?.doubleValue, number.doubleValue > maximum {
                errors.append("\(path): \(number) is above the maximum \(maximum)")
            }
        }
        if let string = value as? String {
            if let minimum = schema["minLength"] as? Int, string.count < minimum {
                errors.append("\(path): shorter than \(minimum)")
            }
            if let pattern = schema["pattern"] as? String,
               string.range(of: pattern, options: .regularExpression) == nil {
                errors.append("\(path): '\(string)' does not match \(pattern)")
            }
            if schema["format"] as? String == "date-time", !Self.isDateTime(string) {
                errors.append("\(path): '\(string)' is not an RFC 3339 date-time")
            }
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                errors.append("\(path): missing required '\(key)'")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, member) in object {
                if let subschema = properties[key] as? [String: Any] {
                    check(member, against: subschema, at: "\(path).\(key)", errors: &errors)
                } else if schema["additionalProperties"] as? Bool == false {
                    errors.append("\(path): unexpected property '\(key)'")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() {
                check(element, against: items, at: "\(path)[\(index)]", errors: &errors)
            }
        }
    }

    static func isDateTime(_ text: String) -> Bool {
        text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#, options: .regularExpression) != nil
    }
}
