/// What went wrong with an MCP server or its configuration, in words a user can act on.
///
/// Never carries an environment value from a server's configuration: those are often tokens.
public struct MCPBridgeError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// `.mcp.json` or the user's `mcp.json` is not what Claude Code's format says.
        case invalidConfiguration
        /// A server did not start, or did not answer `initialize`.
        case startFailed
        /// A server that ran has gone away.
        case serverDown
        /// A tool call failed in the protocol (not a tool's own error result).
        case callFailed
    }

    public var code: Code
    public var message: String
    /// The HTTP status a streamable HTTP server answered, when that is what went wrong.
    public var status: Int?

    public init(_ code: Code, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    public var description: String { message }
}
