import Agent
import ArgumentParser
import DeployTools
import Foundation
import JSON
import Ledger
import MCPBridge

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `deployotron mcp`: deployotron's deploy tools as an MCP server on stdio, for another agent.
///
/// The tools, their schemas, the output bound and the redaction are the REPL's; `report_resources`
/// is added (what `notify.sh resources` does, straight into the ledger). Tools that change
/// something run only when allowed here, at start. Standard output carries the protocol and
/// nothing else: whatever else the process prints goes to standard error.
struct McpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve deployotron's deploy tools over MCP (stdio), for Claude Code, Codex and other agents.",
        discussion: """
            Add it to an agent's MCP configuration, e.g. in .mcp.json:
              {"mcpServers": {"deployotron": {"command": "deployotron", "args": ["mcp", "--allow", "deploy_local"]}}}
            Read-only tools always run; a tool that changes something (deploys, rollback, generators,
            report_resources) runs only when `--allow TOOL` (repeatable) names it or `--yes` is given.
            """
    )

    /// `--allow TOOL` and `--yes` are the root command's (as for `-p`), read from there.
    @ParentCommand var root: DeployotronCommand

    var allowedTools: [String] { root.session.allowedTools }
    var allowAll: Bool { root.session.allowAll }

    @Option(help: ArgumentHelp("The project folder (default: the current one).", valueName: "path"))
    var project: String?

    @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R].")
    var store: String?

    func run() async throws {
        // Everything printed from here on goes to stderr; the protocol gets its own copy of stdout.
        let protocolOutput = dup(STDOUT_FILENO)
        guard protocolOutput >= 0 else { throw CommandError("could not take standard output for the protocol") }
        dup2(STDERR_FILENO, STDOUT_FILENO)
        // A client that goes away must not kill a deploy half-way: a failed write is an error, not SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let stderrConsole = Console(out: Console.standard.err, err: Console.standard.err)
        try await run(Workspace.current(projectRoot: project, store: store, console: stderrConsole), output: protocolOutput)
    }

    func run(_ workspace: Workspace, input: Int32 = STDIN_FILENO, output: Int32) async throws {
        let server = try self.server(workspace)
        let identity = try? workspace.identity()
        await workspace.register(identity)
        let console = workspace.console
        console.err("deployotron mcp: serving \(server.tools.count) tools for \(workspace.projectRoot.path) on stdio"
            + (allowAll ? " (every tool allowed)" : allowedTools.isEmpty ? "" : " (allowed: \(allowedTools.joined(separator: ", ")))"))
        try await SignalCancellation.run { try await server.run(input: input, output: output) }
    }

    func server(_ workspace: Workspace) throws -> MCPToolServer {
        let toolset = DeployToolset(service: workspace.deploy, resources: workspace.ledger, projectGuid: try? workspace.guid())
        let tools = toolset.tools + [ReportResourcesTool.make(workspace)]
        let names = Set(tools.map(\.name))
        if let unknown = allowedTools.first(where: { !names.contains($0) }) {
            throw ValidationError("--allow \(unknown): there is no such tool; the tools are \(names.sorted().joined(separator: ", "))")
        }
        let console = workspace.console
        return MCPToolServer(
            name: "deployotron", version: DeployotronVersion.current, tools: tools, allowed: Set(allowedTools), allowAll: allowAll,
            projectRoot: workspace.projectRoot, annotations: Self.annotations, redact: Workspace.redact,
            log: { console.err("deployotron mcp: \($0)") })
    }

    /// Changing tools that undo or replace what is there (a rollback replaces the live version;
    /// an overwrite replaces a file), and those that can be repeated with the same result.
    static let destructive: Set<String> = ["stop_deployment", "remove_deployment", "rollback", "generate_dockerfile", "generate_compose"]
    static let idempotent: Set<String> = ["stop_deployment", "restart_deployment", "remove_deployment", "generate_dockerfile", "generate_compose", "report_resources"]
    /// Tools that reach outside this machine (AWS).
    static let openWorld: Set<String> = ["deploy_s3_cloudfront", "deploy_ecs"]

    static let annotations: @Sendable (Agent.Tool) -> MCPToolHints = { tool in
        if tool.risk == .readOnly { return .readOnly }
        return MCPToolHints(
            readOnly: false, destructive: destructive.contains(tool.name), idempotent: idempotent.contains(tool.name),
            openWorld: openWorld.contains(tool.name))
    }
}

/// `report_resources`: what a build agent created, merged into the project's resources in the
/// ledger, as `notify.sh resources '{...}'` does through `deployotron serve`.
enum ReportResourcesTool {
    struct Input: ToolInput {
        var resources: [String: JSONValue]

        static var schema: JSONValue {
            [
                "type": "object",
                "properties": [
                    "resources": [
                        "type": "object",
                        "description": "What was created, by name: {\"s3Bucket\": \"my-bucket\", \"cloudFrontUrl\": \"https://...\"}. Merged into earlier reports: names not given are kept.",
                    ],
                ],
                "required": ["resources"],
                "additionalProperties": false,
            ]
        }
    }


    static func make(_ workspace: Workspace) -> Agent.Tool {
        Agent.Tool.make(
            name: "report_resources",
            description: """
                Records the resources a build created for this project (bucket, CDN URL, cluster ...) in deployotron's ledger, \
                merged with earlier reports, as notify.sh resources does. project_resources and `deployotron resources` show them.
                """,
            risk: .changes,
            input: Input.self,
            summarize: { $0.resources.keys.sorted().joined(separator: ", ") }
        ) { input, _ in
            guard !input.resources.isEmpty else { return .error("resources is empty: give at least one, e.g. {\"s3Bucket\": \"my-bucket\"}") }
            if input.resources.keys.contains("") { return .error("every key of resources names a resource and must not be empty") }
            do {
                let guid = try workspace.guid()
                let ledger = try await workspace.ledger.open()
                if try await ledger.project(guid: guid) == nil {
                    try await ledger.registerProject(guid: guid, userId: workspace.user, name: workspace.projectRoot.lastPathComponent, at: Date())
                }
                try await ledger.record(NotifyEvent(guid: guid, kind: .resources, data: input.resources), at: Date())
                let merged = try await ledger.resources(guid: guid)?.awsResources ?? input.resources
                return ToolOutput(json: ["guid": .string(guid), "resources": .object(merged)])
            } catch {
                return .error("\(error)")
            }
        }
    }
}
