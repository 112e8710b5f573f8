import Claude
import JSON

/// The tools of a session, by name, in a fixed order so their rendering never changes between turns.
public struct ToolRegistry: Sendable {
    public private(set) var tools: [Tool]

    /// Fails on a name that breaks `^[a-zA-Z0-9_-]{1,64}$` or appears twice.
    public init(_ tools: [Tool]) throws {
        self.tools = []
        for tool in tools { try register(tool) }
    }

    public mutating func register(_ tool: Tool) throws {
        guard Self.isValidName(tool.name) else {
            throw AgentError(.invalidTool, "tool name '\(tool.name)' must be 1 to 64 letters, digits, '_' or '-'")
        }
        guard self.tool(named: tool.name) == nil else {
            throw AgentError(.invalidTool, "tool '\(tool.name)' is registered twice")
        }
        tools.append(tool)
    }

    public func tool(named name: String) -> Tool? {
        tools.first { $0.name == name }
    }

    /// The definitions sent to Claude, in registration order: the tools offered now.
    public var definitions: [ToolDefinition] {
        tools.filter { $0.isOffered() }.map { ToolDefinition(name: $0.name, description: $0.description, inputSchema: $0.inputSchema) }
    }

    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x5F || byte == 0x2D
            }
    }
}
