import Agent
import Foundation
import JSON
import Locations
import MCPBridge

extension Workspace {
    /// The MCP servers of the project's `.mcp.json` and the user's `mcp.json` (in deployotron's
    /// config folder), not yet started. `trust` decides about each of the project's servers (nil:
    /// start it); `notice` gets one line per server that fails or stops.
    func mcpServers(
        trust: @escaping @Sendable (MCPServerConfig) async -> String?, notice: @escaping @Sendable (String) -> Void
    ) -> MCPServers {
        let configuration = MCPConfiguration.load(
            projectRoot: projectRoot, userFile: directories.config.appendingPathComponent("mcp.json"), environment: environment)
        return MCPServers(configuration: configuration, projectRoot: projectRoot, environment: environment, trust: trust, notice: notice)
    }

    /// How an approval of a project's MCP server is remembered among the user's grants: its name
    /// and the digest of what it runs, so a changed entry is asked about again.
    static func mcpGrant(_ server: MCPServerConfig) -> String {
        "mcp-server:\(server.name):\(server.fingerprint)"
    }

    /// The REPL's question before a server of the project's `.mcp.json` starts (a cloned repository
    /// must not run programs unasked): yes, no, or always (remembered in the user's grants).
    func askToStart(_ server: MCPServerConfig, asker: any PermissionAsker) async -> String? {
        let grants = ToolGrants(directories: directories)
        let key = Self.mcpGrant(server)
        if grants.allowed(projectRoot: projectRoot).contains(key) { return nil }
        let verb = if case .http = server.transport { "connect to" } else { "start" }
        let request = PermissionRequest(
            toolName: "MCP server '\(server.name)'", summary: "\(verb) `\(server.commandLine)` (from the project's .mcp.json)", input: .null)
        switch await asker.ask(request) {
        case .yes: return nil
        case .always:
            try? grants.allow(key, projectRoot: projectRoot)
            return nil
        case .no: return "MCP server '\(server.name)' not started: declined. /mcp lists the servers."
        }
    }

    /// `-p`: a server of the project's `.mcp.json` starts when approved before ("always" in the
    /// REPL), with --yes, or when --allow names one of its tools.
    func mayStart(_ server: MCPServerConfig, options: SessionOptions) -> String? {
        if options.allowAll || options.allowedTools.contains(where: { $0.hasPrefix(MCPToolName.prefix(server: server.name)) }) { return nil }
        if ToolGrants(directories: directories).allowed(projectRoot: projectRoot).contains(Self.mcpGrant(server)) { return nil }
        return "MCP server '\(server.name)' of the project's .mcp.json not started: not approved. Approve it once in the REPL ('always'), "
            + "or pass --allow \(MCPToolName.prefix(server: server.name))TOOL or --yes."
    }

    /// The session's tools (`registry(skills:)`) and then the MCP servers' tools, in their sorted order.
    func registry(skills: SkillsCatalog, adding external: [Tool]) throws -> ToolRegistry {
        var registry = try registry(skills: skills)
        for tool in external { try registry.register(tool) }
        return registry
    }
}
