import Agent
import Foundation
import JSON
import MCP
import Synchronization

/// Serves a session's tools over MCP: the same tools, schemas, output bound and redaction that
/// Claude gets in the REPL, for another agent (Claude Code, Codex, goose ...) to call.
///
/// A tool that changes something runs only when it was allowed when the server started
/// (`--allow NAME`, `--yes`), as in `-p`: nobody is there to ask. Its progress goes out as
/// `notifications/progress` when the client asked for it; a `notifications/cancelled` cancels the
/// call, which then cleans up as it does on Ctrl-C. When the client closes the connection, calls
/// still running are cancelled and waited for before `run` returns.
public struct MCPToolServer: Sendable {
    public var name: String
    public var version: String
    public var tools: [Agent.Tool]
    public var allowed: Set<String>
    public var allowAll: Bool
    public var projectRoot: URL
    public var annotations: @Sendable (Agent.Tool) -> MCPToolHints
    public var redact: @Sendable (String) -> String
    public var outputLimit: ToolOutputLimit
    /// Diagnostics, for stderr: stdout carries only the protocol.
    public var log: @Sendable (String) -> Void

    public init(
        name: String, version: String, tools: [Agent.Tool], allowed: Set<String>, allowAll: Bool, projectRoot: URL,
        annotations: @escaping @Sendable (Agent.Tool) -> MCPToolHints = MCPToolServer.defaultAnnotations,
        redact: @escaping @Sendable (String) -> String, outputLimit: ToolOutputLimit = ToolOutputLimit(),
        log: @escaping @Sendable (String) -> Void
    ) {
        self.name = name
        self.version = version
        self.tools = tools
        self.allowed = allowed
        self.allowAll = allowAll
        self.projectRoot = projectRoot
        self.annotations = annotations
        self.redact = redact
        self.outputLimit = outputLimit
        self.log = log
    }

    /// Read-only for a read-only tool; otherwise the MCP defaults (destructive, not idempotent).
    public static let defaultAnnotations: @Sendable (Agent.Tool) -> MCPToolHints = { tool in
        tool.risk == .readOnly ? .readOnly : MCPToolHints(readOnly: false, destructive: true, idempotent: false, openWorld: false)
    }

    /// The tools as `tools/list` answers them.
    public var listing: [MCP.Tool] {
        tools.map { tool in
            MCP.Tool(
                name: tool.name, description: tool.description, inputSchema: MCPValue.value(tool.inputSchema),
                annotations: annotations(tool).annotations)
        }
    }

    /// Serves on standard input and `output` (a duplicate of standard output, so that nothing else
    /// the process prints can land in the protocol) until the client closes the connection.
    public func run(input: Int32 = 0, output: Int32) async throws {
        try await run(transport: LineTransport(input: input, output: output, outputIsSocket: false))
    }

    public func run(transport: any Transport) async throws {
        let server = Server(name: name, version: version, capabilities: .init(tools: .init(listChanged: false)))
        let calls = RunningCalls()
        let listing = listing
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: listing) }
        await server.withMethodHandler(CallTool.self) { params in
            try await calls.run { try await self.call(params, server: server) }
        }
        try await withTaskCancellationHandler {
            try await server.start(transport: transport)
            await server.waitUntilCompleted()
        } onCancel: {
            calls.cancelAll()
        }
        // The client went away (or a signal came): cancel what still runs, and let it clean up.
        calls.cancelAll()
        await calls.waitUntilIdle()
        await server.stop()
    }

    func call(_ params: CallTool.Parameters, server: Server) async throws -> CallTool.Result {
        guard let tool = tools.first(where: { $0.name == params.name }) else {
            return Self.error("unknown tool '\(params.name)'; tools/list names the tools")
        }
        let input = JSONValue.object((params.arguments ?? [:]).mapValues(MCPValue.json))
        let prepared: PreparedToolCall
        switch tool.prepare(input) {
        case .success(let call): prepared = call
        case .failure(let rejection): return Self.error(rejection.message)
        }
        if tool.risk == .changes && !allowAll && !allowed.contains(tool.name) {
            log("refused \(tool.name): not allowed at start")
            return Self.error(
                "Refused: '\(tool.name)' changes something, and this deployotron MCP server runs such a tool only when it was allowed at start: "
                    + "add `--allow \(tool.name)` (or `--yes` for every tool) to the `deployotron mcp` command in the client's MCP configuration, then restart the server.")
        }
        log("→ \(tool.name)\(prepared.summary.isEmpty ? "" : " \(prepared.summary)")")
        let progress = ProgressSender(server: server, token: params._meta?.progressToken)
        defer { progress.finish() }
        let output: ToolOutput
        do {
            // Once the client cancels, it hears nothing more of this call: the clean-up's lines stay in the log.
            output = try await withTaskCancellationHandler {
                try await prepared.run(ToolContext(projectRoot: projectRoot) { line in
                    progress.send(self.redact(line))
                })
            } onCancel: {
                progress.cancel()
            }
        } catch is CancellationError {
            log("  cancelled \(tool.name)")
            throw CancellationError()
        } catch {
            output = .error(String(describing: error))
        }
        await progress.drain()
        // A cancelled deploy cleans up and reports it in its own words; the client asked for no answer.
        if Task.isCancelled {
            log("  cancelled \(tool.name)")
            throw CancellationError()
        }
        if output.isError { log("  ✗ \(tool.name) failed") }
        let text = outputLimit.bound(output.redacted(with: redact).text)
        return CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], isError: output.isError)
    }

    static func error(_ message: String) -> CallTool.Result {
        CallTool.Result(content: [.text(text: message, annotations: nil, _meta: nil)], isError: true)
    }
}

/// Sends one call's progress lines, in order, as `notifications/progress` (1, 2, 3 ...: a deploy
/// does not know its number of steps in advance).
final class ProgressSender: Sendable {
    private let continuation: AsyncStream<String>.Continuation?
    private let sender: Task<Void, Never>?
    private let cancelled: CancelFlag

    init(server: Server, token: ProgressToken?) {
        let cancelled = CancelFlag()
        self.cancelled = cancelled
        guard let token else {
            continuation = nil
            sender = nil
            return
        }
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        self.continuation = continuation
        sender = Task {
            var step = 0.0
            for await line in stream {
                if cancelled.isSet { break }
                step += 1
                try? await server.notify(ProgressNotification.message(.init(progressToken: token, progress: step, message: line)))
            }
        }
    }

    func send(_ line: String) {
        guard !cancelled.isSet else { return }
        continuation?.yield(line)
    }

    /// The client cancelled the call: lines not yet sent, and later ones, are dropped.
    func cancel() {
        cancelled.set()
        continuation?.finish()
    }

    func finish() {
        continuation?.finish()
    }

    /// Waits until every line so far has gone out, so progress never arrives after the result.
    func drain() async {
        continuation?.finish()
        await sender?.value
    }
}

/// A flag any task can set once and read.
final class CancelFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}

/// The tool calls in flight, so that they can be cancelled (and waited for) when the client leaves.
final class RunningCalls: Sendable {
    private let tasks = Mutex<[UUID: Task<CallTool.Result, any Error>]>([:])

    func run(_ body: @escaping @Sendable () async throws -> CallTool.Result) async throws -> CallTool.Result {
        let id = UUID()
        let task = Task { try await body() }
        tasks.withLock { $0[id] = task }
        defer { _ = tasks.withLock { $0.removeValue(forKey: id) } }
        return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
    }

    func cancelAll() {
        for task in tasks.withLock({ Array($0.values) }) { task.cancel() }
    }

    func waitUntilIdle() async {
        for task in tasks.withLock({ Array($0.values) }) { _ = try? await task.value }
    }
}

/// What a client is told about a tool before it calls it (MCP's tool annotations).
public struct MCPToolHints: Sendable, Equatable {
    public var readOnly: Bool
    /// It may undo or replace something (only meaningful when it is not read-only).
    public var destructive: Bool
    /// Calling it again with the same input changes nothing more.
    public var idempotent: Bool
    /// It reaches outside this machine.
    public var openWorld: Bool

    public init(readOnly: Bool, destructive: Bool, idempotent: Bool, openWorld: Bool) {
        self.readOnly = readOnly
        self.destructive = destructive
        self.idempotent = idempotent
        self.openWorld = openWorld
    }

    public static let readOnly = MCPToolHints(readOnly: true, destructive: false, idempotent: true, openWorld: false)

    var annotations: MCP.Tool.Annotations {
        MCP.Tool.Annotations(readOnlyHint: readOnly, destructiveHint: destructive, idempotentHint: idempotent, openWorldHint: openWorld)
    }
}
