import JSON

/// The input of one tool: the value its code works with, and the JSON Schema Claude is shown for it.
///
/// Declared together on one type, next to its properties, so the schema and the decoding cannot
/// drift apart: `Tool.make` validates a call against `schema` and then decodes it, and the tests
/// check that any input the schema accepts decodes.
public protocol ToolInput: Decodable, Sendable {
    /// A JSON Schema of `"type": "object"` whose properties are the type's coding keys.
    static var schema: JSONValue { get }
}
