import JSON

/// What a tool hands back to Claude: text, or a JSON value (deployotron's services answer in JSON).
///
/// The conversation redacts every output once before it goes anywhere (`redacted(with:)`), so a
/// tool returns what it found, secrets included, and JSON stays JSON after redaction.
public struct ToolOutput: Sendable, Equatable {
    public enum Body: Sendable, Equatable {
        case text(String)
        case json(JSONValue)
    }

    public var body: Body
    public var isError: Bool

    public init(text: String, isError: Bool = false) {
        self.body = .text(text)
        self.isError = isError
    }

    public init(json: JSONValue, isError: Bool = false) {
        self.body = .json(json)
        self.isError = isError
    }

    public static func error(_ text: String) -> ToolOutput {
        ToolOutput(text: text, isError: true)
    }

    /// What Claude reads: the text, or the JSON as compact text with sorted keys.
    public var text: String {
        switch body {
        case .text(let text): text
        case .json(let value): value.encodedString()
        }
    }

    /// The output with `redact` applied to its text, or to every string value of its JSON. Keys are
    /// the tools' own names, never secrets, and the punctuation must survive: a pass over the
    /// serialized text once read `"key_lines": [` as a KEY=value assignment and broke the JSON.
    public func redacted(with redact: (String) -> String) -> ToolOutput {
        switch body {
        case .text(let text): ToolOutput(text: redact(text), isError: isError)
        case .json(let value): ToolOutput(json: Self.redacted(value, with: redact), isError: isError)
        }
    }

    static func redacted(_ value: JSONValue, with redact: (String) -> String) -> JSONValue {
        switch value {
        case .string(let text): .string(redact(text))
        case .array(let items): .array(items.map { redacted($0, with: redact) })
        case .object(let members): .object(members.mapValues { redacted($0, with: redact) })
        case .null, .bool, .number: value
        }
    }
}
