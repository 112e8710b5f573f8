import JSON

/// What the user said to a tool that changes something.
public enum PermissionAnswer: String, Sendable, Equatable {
    case yes
    case no
    /// Yes, and don't ask again for this tool in this project.
    case always
}

/// A question for the user before a tool that changes something runs.
public struct PermissionRequest: Sendable, Equatable {
    public var toolName: String
    /// What will happen, with the tool's key input.
    public var summary: String
    public var input: JSONValue

    public init(toolName: String, summary: String, input: JSONValue) {
        self.toolName = toolName
        self.summary = summary
        self.input = input
    }
}

/// Asks the user. The REPL asks on the terminal; one-shot mode answers from `--allow` / `--yes`.
public protocol PermissionAsker: Sendable {
    func ask(_ request: PermissionRequest) async -> PermissionAnswer
}
