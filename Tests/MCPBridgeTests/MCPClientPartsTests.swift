import Agent
import Foundation
import JSON
import MCP
import Testing

@testable import MCPBridge

@Suite struct MCPClientPartsTests {
    @Test func toolNamesFollowClaudeCodeAndFitTheAPI() {
        #expect(MCPToolName.make(server: "notes", tool: "add_note") == "mcp__notes__add_note")
        #expect(MCPToolName.make(server: "my server", tool: "do.it") == "mcp__my_server__do_it")
        #expect(MCPToolName.make(server: String(repeating: "s", count: 40), tool: String(repeating: "t", count: 20)) == nil)
        #expect(ToolRegistry.isValidName(MCPToolName.make(server: "é-x", tool: "ü")!))
    }

    @Test func resultsBecomeWhatClaudeReads() {
        let text = MCPServers.output(CallTool.Result(content: [.text(text: "one", annotations: nil, _meta: nil), .text(text: "two", annotations: nil, _meta: nil)]))
        #expect(text == ToolOutput(text: "one\ntwo"))
        let image = MCPServers.output(CallTool.Result(content: [.image(data: "aGk=", mimeType: "image/png", annotations: nil, _meta: nil)], isError: true))
        #expect(image == ToolOutput(text: "[image image/png, 4 base64 characters, not shown]", isError: true))
        let structured = MCPServers.output(CallTool.Result(content: [], structuredContent: .object(["n": .int(2)])))
        #expect(structured == ToolOutput(json: ["n": 2]))
    }

    @Test func aToolThatIsNotOfferedLeavesTheDefinitionsButStaysKnown() throws {
        let offered = Agent.Tool.external(name: "mcp__a__on", description: "on", inputSchema: ["type": "object"], risk: .readOnly, isOffered: { true }) { _, _ in
            ToolOutput(text: "")
        }
        let down = Agent.Tool.external(name: "mcp__b__off", description: "off", inputSchema: ["type": "object"], risk: .changes, isOffered: { false }) { _, _ in
            ToolOutput(text: "")
        }
        let registry = try ToolRegistry([offered, down])
        #expect(registry.definitions.map(\.name) == ["mcp__a__on"])
        #expect(registry.tool(named: "mcp__b__off") != nil)
    }

    @Test func anExternalToolValidatesAgainstTheServersSchema() async throws {
        let schema: JSONValue = ["type": "object", "properties": ["n": ["type": "integer"]], "required": ["n"]]
        let tool = Agent.Tool.external(name: "mcp__s__t", description: "t", inputSchema: schema, risk: .readOnly, isOffered: { true }) { input, _ in
            ToolOutput(json: input)
        }
        guard case .failure(let rejection) = tool.prepare(["n": "x"]) else { Issue.record("accepted a string"); return }
        #expect(rejection.message.contains("input.n: expected integer"))
        let output = try await tool.run(["n": 3], ToolContext(projectRoot: .init(fileURLWithPath: "/")))
        #expect(output == ToolOutput(json: ["n": 3]))
    }

    @Test func aProjectServerStartsOnlyWhenTrustedAndTheUsersNeedNoApproval() async {
        let lines = LinesBox()
        let asked = LinesBox()
        let project = MCPServerConfig(name: "repo", transport: .stdio(command: "no-such-program-a", arguments: [], environment: [:]), source: ".mcp.json")
        let users = MCPServerConfig(name: "mine", transport: .stdio(command: "no-such-program-b", arguments: [], environment: [:]), source: "/home/u/.config/deployotron/mcp.json")
        let servers = MCPServers(
            configuration: MCPConfiguration(servers: [project, users]), projectRoot: .init(fileURLWithPath: "/tmp"),
            environment: ["PATH": "/usr/bin:/bin"],
            trust: { asked.append($0.name); return "refused \($0.name)" }, notice: { lines.append($0) })
        await servers.start()
        #expect(asked.all == ["repo"])
        #expect(servers.state(of: "repo") == .failed("not approved"))
        #expect(lines.all.contains("refused repo"))
        #expect(lines.all.contains { $0.hasPrefix("MCP server 'mine' did not start") })
        await servers.shutdown()
    }

    @Test func anApprovalIsForWhatRunsAndKeepsNoValues() {
        let one = MCPServerConfig(name: "s", transport: .stdio(command: "srv", arguments: ["--a"], environment: ["TOKEN": "t0ps3cret"]), source: ".mcp.json")
        var other = one
        other.transport = .stdio(command: "srv", arguments: ["--a", "--evil"], environment: ["TOKEN": "t0ps3cret"])
        #expect(one.fingerprint != other.fingerprint)
        #expect(one.fingerprint == one.fingerprint)
        #expect(one.fingerprint.count == 64 && !one.fingerprint.contains("t0ps3cret"))
        #expect(one.isFromProject && one.commandLine == "srv --a")
    }

    @Test func aServerThatCannotStartIsOneLineAndOffersNothing() async {
        let lines = LinesBox()
        let servers = MCPServers(
            configuration: MCPConfiguration(servers: [MCPServerConfig(name: "gone", transport: .stdio(command: "no-such-program-for-mcp", arguments: [], environment: [:]), source: ".mcp.json")]),
            projectRoot: .init(fileURLWithPath: "/tmp"), environment: ["PATH": "/usr/bin:/bin"], notice: { lines.append($0) })
        await servers.start()
        #expect(servers.tools.isEmpty)
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.hasPrefix("MCP server 'gone' did not start") == true)
        if case .failed = servers.state(of: "gone") {} else { Issue.record("state is \(String(describing: servers.state(of: "gone")))") }
        await servers.shutdown()
    }
}

final class LinesBox: @unchecked Sendable {
    private var lines: [String] = []
    private let lock = NSLock()
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
