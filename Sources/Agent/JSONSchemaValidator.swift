import Foundation
import JSON

/// Checks a tool's input against its JSON Schema before the tool runs, so a handler only ever sees
/// input of the shape it declared, and Claude hears exactly which field was wrong.
///
/// Covers the subset tool schemas use: `type` (one or a list), `properties`, `required`,
/// `additionalProperties` (false or a schema), `enum`, `const`, `items`, `minItems`/`maxItems`,
/// `minimum`/`maximum`, `minLength`/`maxLength` and `pattern`. Other keywords are ignored.
public struct JSONSchemaValidator: Sendable {
    public let schema: JSONValue

    public init(schema: JSONValue) {
        self.schema = schema
    }

    /// Every problem found, one line each, naming the field ("input.path: expected string, got integer").
    public func problems(in value: JSONValue) -> [String] {
        var problems: [String] = []
        check(value, against: schema, at: "input", into: &problems)
        return problems
    }

    func check(_ value: JSONValue, against schema: JSONValue, at path: String, into problems: inout [String]) {
        guard case .object(let rules) = schema else { return }

        if let types = Self.types(rules["type"]), !types.contains(where: { Self.matches(value, type: $0) }) {
            problems.append("\(path): expected \(types.joined(separator: " or ")), got \(value.typeName)")
            return
        }
        if let allowed = rules["enum"]?.arrayValue, !allowed.contains(value) {
            problems.append("\(path): must be one of \(allowed.map { $0.encodedString() }.joined(separator: ", ")), got \(value.encodedString())")
        }
        if let constant = rules["const"], constant != value {
            problems.append("\(path): must be \(constant.encodedString())")
        }

        switch value {
        case .string(let text):
            let length = text.count
            if let min = rules["minLength"]?.intValue, length < min {
                problems.append("\(path): must be at least \(min) characters long, got \(length)")
            }
            if let max = rules["maxLength"]?.intValue, length > max {
                problems.append("\(path): must be at most \(max) characters long, got \(length)")
            }
            if let pattern = rules["pattern"]?.stringValue,
                let regex = try? NSRegularExpression(pattern: pattern),
                regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil
            {
                problems.append("\(path): must match the pattern \(pattern)")
            }
        case .number(let number):
            if let min = rules["minimum"]?.doubleValue, number < min {
                problems.append("\(path): must be at least \(Self.render(min)), got \(Self.render(number))")
            }
            if let max = rules["maximum"]?.doubleValue, number > max {
                problems.append("\(path): must be at most \(Self.render(max)), got \(Self.render(number))")
            }
        case .array(let elements):
            if let min = rules["minItems"]?.intValue, elements.count < min {
                problems.append("\(path): must have at least \(min) items, got \(elements.count)")
            }
            if let max = rules["maxItems"]?.intValue, elements.count > max {
                problems.append("\(path): must have at most \(max) items, got \(elements.count)")
            }
            if let items = rules["items"] {
                for (index, element) in elements.enumerated() {
                    check(element, against: items, at: "\(path)[\(index)]", into: &problems)
                }
            }
        case .object(let members):
            let properties = rules["properties"]?.objectValue ?? [:]
            for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                problems.append("\(path).\(name): is required but missing")
            }
            for name in members.keys.sorted() {
                let member = members[name]!
                if let property = properties[name] {
                    check(member, against: property, at: "\(path).\(name)", into: &problems)
                } else {
                    switch rules["additionalProperties"] {
                    case .bool(false)?:
                        let known = properties.keys.sorted().joined(separator: ", ")
                        problems.append("\(path).\(name): is not an allowed field (allowed: \(known.isEmpty ? "none" : known))")
                    case .object(let extra)?:
                        check(member, against: .object(extra), at: "\(path).\(name)", into: &problems)
                    default:
                        break
                    }
                }
            }
        case .null, .bool:
            break
        }
    }

    static func types(_ value: JSONValue?) -> [String]? {
        switch value {
        case .string(let type)?: [type]
        case .array(let types)?: types.compactMap(\.stringValue)
        default: nil
        }
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array), ("object", .object):
            true
        case ("integer", .number):
            value.intValue != nil
        default:
            false
        }
    }

    static func render(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }
}
