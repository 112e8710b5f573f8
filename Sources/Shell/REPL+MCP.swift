extension REPL {
    /// `/mcp`: each MCP server of the session (from `.mcp.json` and the user's `mcp.json`), whether
    /// it runs, and the tools Claude is offered from it.
    func mcp() {
        let lines = context.mcpReport?() ?? [
            "No MCP servers. Add them to .mcp.json in the project (or mcp.json in deployotron's config folder):",
            #"  {"mcpServers": {"NAME": {"command": "PROGRAM", "args": ["..."], "env": {}}}}"#,
        ]
        for line in lines { terminal.line(line) }
    }
}
