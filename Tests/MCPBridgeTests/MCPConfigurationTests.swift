import Foundation
import JSON
import Testing

@testable import MCPBridge

@Suite struct MCPConfigurationTests {
    @Test func readsStdioAndHTTPServersInClaudeCodesFormat() {
        let text = """
            {"mcpServers": {
              "tickets": {"command": "python3", "args": ["server.py", "--token", "${TICKETS_TOKEN}"], "env": {"LEVEL": "${LEVEL:-info}"}},
              "docs": {"type": "http", "url": "https://example.test/mcp", "headers": {"Authorization": "Bearer ${DOCS}"}}
            }}
            """
        let parsed = MCPConfiguration.parse(Data(text.utf8), source: ".mcp.json", environment: ["TICKETS_TOKEN": "t0k", "DOCS": "d"])
        #expect(parsed.problems.isEmpty)
        #expect(parsed.servers.map(\.name) == ["docs", "tickets"])
        #expect(parsed.servers[0].transport == .http(url: URL(string: "https://example.test/mcp")!, headers: ["Authorization": "Bearer d"]))
        #expect(parsed.servers[1].transport == .stdio(command: "python3", arguments: ["server.py", "--token", "t0k"], environment: ["LEVEL": "info"]))
    }

    @Test func aBadEntryIsOneLineAndTheOthersStay() {
        let text = #"{"mcpServers": {"good": {"command": "srv"}, "bad": {"args": ["x"]}, "worse": {"url": "ftp://x"}}}"#
        let parsed = MCPConfiguration.parse(Data(text.utf8), source: ".mcp.json", environment: [:])
        #expect(parsed.servers.map(\.name) == ["good"])
        #expect(parsed.problems == [
            #".mcp.json: server "bad": needs "command" (a program to start) or "url""#,
            #".mcp.json: server "worse": "url" must be an http or https URL"#,
        ])
    }

    @Test func invalidJSONSaysWhatTheFileNeeds() {
        let parsed = MCPConfiguration.parse(Data("{nope".utf8), source: ".mcp.json", environment: [:])
        #expect(parsed.servers.isEmpty)
        #expect(parsed.problems.count == 1)
        #expect(parsed.problems[0].hasPrefix(".mcp.json: not valid JSON"))
    }

    @Test func theProjectFileWinsOverTheUsersForTheSameName() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let user = root.appendingPathComponent("user-mcp.json")
        try Data(#"{"mcpServers": {"shared": {"command": "user-one"}, "mine": {"command": "m"}}}"#.utf8).write(to: user)
        try Data(#"{"mcpServers": {"shared": {"command": "project-one"}}}"#.utf8).write(to: MCPConfiguration.projectFile(root))
        let loaded = MCPConfiguration.load(projectRoot: root, userFile: user, environment: [:])
        #expect(loaded.servers.map(\.name) == ["mine", "shared"])
        #expect(loaded.servers[1].transport == .stdio(command: "project-one", arguments: [], environment: [:]))
    }

    @Test func variablesExpandWithDefaults() {
        #expect(MCPConfiguration.expandVariables("a${X}b${Y:-dflt}c${Z}", environment: ["X": "1"]) == "a1bdfltc")
        #expect(MCPConfiguration.expandVariables("${unterminated", environment: [:]) == "${unterminated")
    }
}
