/// Why a tool call was not run before it started: no such tool, an input the schema refuses or
/// that does not decode, or a call the stream cut off.
///
/// Claude gets `message` as an `is_error` result; the user sees `reason` on one line.
public struct ToolRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case unknownTool
        /// The input breaks the tool's schema.
        case invalidInput
        /// The input passed the schema but its type could not read it.
        case undecodableInput
        /// The response hit `max_tokens` before the call's input was complete.
        case cutOff
        /// The call's input did not assemble to a JSON object.
        case unparseableInput
    }

    public var kind: Kind
    /// For Claude: what was wrong and what to do instead.
    public var message: String
    /// For the user: a few words, one line.
    public var reason: String

    public init(_ kind: Kind, message: String, reason: String) {
        self.kind = kind
        self.message = message
        self.reason = reason
    }

    public var description: String { message }

    static func unknownTool(_ name: String, available: [String]) -> ToolRejection {
        let names = available.isEmpty ? "none" : available.joined(separator: ", ")
        return ToolRejection(
            .unknownTool, message: "There is no tool named '\(name)'. Available tools: \(names).", reason: "no such tool")
    }

    static func invalidInput(tool: String, problems: [String]) -> ToolRejection {
        let more = problems.count > 1 ? " (and \(problems.count - 1) more)" : ""
        return ToolRejection(
            .invalidInput, message: "Invalid input for \(tool):\n" + problems.joined(separator: "\n"),
            reason: "invalid input: " + (problems.first ?? "") + more)
    }

    static func undecodableInput(tool: String, problem: String) -> ToolRejection {
        ToolRejection(
            .undecodableInput, message: "The input does not fit \(tool): \(problem). It was not run.",
            reason: "invalid input: \(problem)")
    }

    static let cutOff = ToolRejection(
        .cutOff,
        message: "This call was cut off: the response reached max_tokens before its input was complete, so it was not run. Call it again with a smaller input.",
        reason: "input cut off (the response reached max_tokens)")

    static let unparseableInput = ToolRejection(
        .unparseableInput,
        message: "The input of this call did not arrive as a JSON object, so it was not run. Call it again.",
        reason: "input was not valid JSON")

    /// A decoding error in a few words, naming the field.
    static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
            return keys.isEmpty ? "the input" : "'\(keys)'"
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            let parent = context.codingPath.map(\.stringValue) + [key.stringValue]
            return "'\(parent.joined(separator: "."))' is required"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(path(context)) has the wrong type"
        case DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty:
            // Foundation says "not valid JSON" here even when a number does not fit an Int.
            return "a value does not fit its field's type"
        case DecodingError.dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        default:
            return String(describing: error)
        }
    }
}
