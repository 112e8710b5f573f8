import JSON
import Agent

/// Input for tools that take none (any object passes).
struct NoInput: ToolInput, Codable {
    static let schema: JSONValue = ["type": "object"]
}

/// `{"text": string}`.
struct EchoInput: ToolInput, Codable {
    var text: String

    static let schema: JSONValue = [
        "type": "object", "properties": ["text": ["type": "string"]], "required": ["text"], "additionalProperties": false,
    ]
}

/// A schema that drifted from its type: the schema allows any number, the type wants an integer.
struct DriftedInput: ToolInput, Codable {
    var count: Int

    static let schema: JSONValue = [
        "type": "object", "properties": ["count": ["type": "number"]], "required": ["count"],
    ]
}
