import Agent
import Foundation
import Locations
import MCPBridge

extension Workspace {
    /// The MCP servers of the project's `.mcp.json` and the user's `mcp.json` (in deployotron's
    /// config folder), not yet started. `notice` gets one line per server that fails or stops.
    func mcpServers(notice: @escaping @Sendable (String) -> Void) -> MCPServers {
        let configuration = MCPConfiguration.load(
            projectRoot: projectRoot, userFile: directories.config.appendingPathComponent("mcp.json"), environment: environment)
        return MCPServers(configuration: configuration, projectRoot: projectRoot, environment: environment, notice: notice)
    }

    /// The session's tools (`registry(skills:)`) and then the MCP servers' tools, in their sorted order.
    func registry(skills: SkillsCatalog, adding external: [Tool]) throws -> ToolRegistry {
        var registry = try registry(skills: skills)
        for tool in external { try registry.register(tool) }
        return registry
    }
}
