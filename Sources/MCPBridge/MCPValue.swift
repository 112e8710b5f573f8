import Foundation
import JSON
import MCP

/// Between deployotron's `JSONValue` and the SDK's `Value`: both are plain JSON, so the one is the
/// other's encoding read back.
enum MCPValue {
    static func value(_ json: JSONValue) -> Value {
        (try? JSONDecoder().decode(Value.self, from: json.encoded())) ?? .null
    }

    static func json(_ value: Value) -> JSONValue {
        guard let data = try? JSONEncoder().encode(value), let json = try? JSONValue(parsing: data) else { return .null }
        return json
    }

    /// A tool call's arguments: the object's members (a non-object is no arguments).
    static func arguments(_ json: JSONValue) -> [String: Value] {
        (json.objectValue ?? [:]).mapValues(value)
    }
}
