import Agent
import Foundation
import JSON
import MCP
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The MCP servers of one session (the REPL or `-p`): started once, their tools offered to Claude
/// as `mcp__SERVER__TOOL` through the session's tool registry, stopped when the session ends.
///
/// A server that fails to start, or dies later, is one line (`notice`) and the session goes on;
/// the tools of a server that is not running are not offered. A tool without `readOnlyHint` is
/// taken to change something, so the permission policy asks before it runs.
public final class MCPServers: Sendable {
    public enum State: Sendable, Equatable {
        case starting
        case running
        case failed(String)
        case stopped(String)

        public var label: String {
            switch self {
            case .starting: "starting"
            case .running: "running"
            case .failed(let why): "failed: \(why)"
            case .stopped(let why): "stopped: \(why)"
            }
        }
    }

    /// What `/mcp` shows of one server.
    public struct Status: Sendable, Equatable {
        public var name: String
        public var source: String
        public var state: State
        /// The names Claude is offered (or was, before the server stopped).
        public var tools: [String]
    }

    struct Entry: Sendable {
        var config: MCPServerConfig
        var state: State = .starting
        var tools: [MCP.Tool] = []
        var client: Client?
        var process: Process?
        var stderrTail = StderrTail()
    }

    private let entries: Mutex<[String: Entry]>
    private let progressHandlers = Mutex<[ProgressToken: @Sendable (String) -> Void]>([:])
    private let shuttingDown = Mutex(false)
    private let problems: [String]
    let projectRoot: URL
    let environment: [String: String]
    let startTimeout: Duration
    let notice: @Sendable (String) -> Void
    /// Asked before a server of the project's `.mcp.json` starts: nil to start it, else the line
    /// that says why it did not (and how to approve it).
    let trust: @Sendable (MCPServerConfig) async -> String?

    /// Variables never handed to a server: the user's Claude credentials are deployotron's, not theirs.
    static let withheldVariables: Set<String> = ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"]

    public init(
        configuration: MCPConfiguration, projectRoot: URL, environment: [String: String],
        startTimeout: Duration = .seconds(20), trust: @escaping @Sendable (MCPServerConfig) async -> String? = { _ in nil },
        notice: @escaping @Sendable (String) -> Void
    ) {
        self.trust = trust
        self.entries = Mutex(Dictionary(uniqueKeysWithValues: configuration.servers.map { ($0.name, Entry(config: $0)) }))
        self.problems = configuration.problems
        self.projectRoot = projectRoot
        self.environment = environment
        self.startTimeout = startTimeout
        self.notice = notice
    }

    public var isEmpty: Bool { entries.withLock { $0.isEmpty } && problems.isEmpty }

    // MARK: - Start and stop

    /// Asks `trust` about the project's servers, one at a time, then starts the approved ones at
    /// once and waits until each is running or has failed (one line each).
    public func start() async {
        for problem in problems { notice("MCP: \(problem)") }
        var names: [String] = []
        for config in entries.withLock({ $0.values.map(\.config) }).sorted(by: { $0.name < $1.name }) {
            if config.isFromProject, let refusal = await trust(config) {
                entries.withLock { $0[config.name]?.state = .failed("not approved") }
                notice(refusal)
                continue
            }
            names.append(config.name)
        }
        await withTaskGroup(of: Void.self) { group in
            for name in names {
                group.addTask { await self.startServer(name) }
            }
        }
    }

    /// Stops every server: SIGTERM, then SIGKILL for one still there after a second.
    public func shutdown() async {
        shuttingDown.withLock { $0 = true }
        let running = entries.withLock { entries in entries.values.map { ($0.client, $0.process) } }
        for (client, process) in running {
            await client?.disconnect()
            if let process, process.isRunning { process.terminate() }
        }
        for (_, process) in running {
            guard let process else { continue }
            for _ in 0..<20 where process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }

    func startServer(_ name: String) async {
        guard let config = entries.withLock({ $0[name]?.config }) else { return }
        do {
            switch config.transport {
            case .stdio(let command, let arguments, let serverEnvironment):
                try await startStdio(name, command: command, arguments: arguments, environment: serverEnvironment)
            case .http(let url, let headers):
                try await startHTTP(name, url: url, headers: headers)
            }
        } catch {
            let tail = entries.withLock { $0[name]?.stderrTail.lastLine } ?? ""
            let reason = Self.describe(error) + (tail.isEmpty ? "" : " (it said: \(tail))")
            let client = entries.withLock { entries -> Client? in
                entries[name]?.state = .failed(reason)
                return entries[name]?.client
            }
            await client?.disconnect()
            entries.withLock { $0[name]?.process }.map { if $0.isRunning { $0.terminate() } }
            notice("MCP server '\(name)' did not start: \(reason); the session goes on without its tools.")
        }
    }

    func startStdio(_ name: String, command: String, arguments: [String], environment serverEnvironment: [String: String]) async throws {
        var fds: [Int32] = [0, 0]
        #if canImport(Glibc)
        let socketType = Int32(SOCK_STREAM.rawValue)
        #else
        let socketType = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, socketType, 0, &fds) == 0 else {
            throw MCPBridgeError(.startFailed, "could not make a socket pair: \(String(cString: strerror(errno)))")
        }
        let ours = fds[0]
        let childEnd = FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
        _ = fcntl(ours, F_SETFD, FD_CLOEXEC)

        let process = Process()
        if command.contains("/") {
            process.executableURL = URL(fileURLWithPath: command, relativeTo: projectRoot).standardizedFileURL
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [command] + arguments
        }
        process.currentDirectoryURL = projectRoot
        var childEnvironment = environment.filter { !Self.withheldVariables.contains($0.key) }
        childEnvironment.merge(serverEnvironment) { _, configured in configured }
        process.environment = childEnvironment
        process.standardInput = childEnd
        process.standardOutput = childEnd
        let stderr = Pipe()
        process.standardError = stderr
        stderr.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            self?.entries.withLock { $0[name]?.stderrTail.append(data) }
        }
        process.terminationHandler = { [weak self] process in
            self?.exited(name, status: process.terminationStatus, reason: process.terminationReason)
        }
        do {
            try process.run()
        } catch {
            close(ours)
            throw MCPBridgeError(.startFailed, "could not run \(command): \(error.localizedDescription)")
        }
        try? childEnd.close()
        entries.withLock { $0[name]?.process = process }

        let transport = LineTransport(input: ours, output: ours, outputIsSocket: true)
        try await connect(name, transport: transport)
    }

    func startHTTP(_ name: String, url: URL, headers: [String: String]) async throws {
        let transport = StreamableHTTPTransport(endpoint: url, headers: headers) { [weak self] why in
            self?.lost(name, why)
        }
        try await connect(name, transport: transport)
    }

    /// `initialize` and `tools/list` (every page), within `startTimeout`.
    func connect(_ name: String, transport: any Transport) async throws {
        let client = Client(name: "deployotron", version: "1")
        entries.withLock { $0[name]?.client = client }
        await client.onNotification(ProgressNotification.self) { [weak self] message in
            let params = message.params
            guard let handler = self?.progressHandlers.withLock({ $0[params.progressToken] }) else { return }
            let total = params.total.map { "/\(Self.number($0))" } ?? ""
            handler(params.message ?? "progress \(Self.number(params.progress))\(total)")
        }
        let timedOut = Mutex(false)
        let timeout = startTimeout
        let timer = Task {
            try await Task.sleep(for: timeout)
            timedOut.withLock { $0 = true }
            await client.disconnect()
        }
        defer { timer.cancel() }
        do {
            let initialized = try await client.connect(transport: transport)
            var tools: [MCP.Tool] = []
            if initialized.capabilities.tools != nil {
                var cursor: String?
                repeat {
                    let page = try await client.listTools(cursor: cursor)
                    tools += page.tools
                    cursor = page.nextCursor
                } while cursor != nil && tools.count < 1000
            }
            let started = entries.withLock { entries -> Bool in
                guard entries[name]?.state == .starting else { return false }
                entries[name]?.tools = tools.sorted { $0.name < $1.name }
                entries[name]?.state = .running
                return true
            }
            if !started { throw MCPBridgeError(.startFailed, "it exited during start") }
        } catch where timedOut.withLock({ $0 }) {
            throw MCPBridgeError(.startFailed, "no answer to initialize within \(timeout)")
        }
    }

    func exited(_ name: String, status: Int32, reason: Process.TerminationReason) {
        let how = reason == .uncaughtSignal ? "killed by signal \(status)" : "exited with status \(status)"
        stopped(name, how, whileStarting: true)
    }

    /// A streamable HTTP server that no longer answers, or ended the session. While it starts,
    /// the failed request says so itself.
    func lost(_ name: String, _ why: String) {
        stopped(name, why, whileStarting: false)
    }

    private func stopped(_ name: String, _ how: String, whileStarting: Bool) {
        let (wasRunning, client) = entries.withLock { entries -> (Bool, Client?) in
            guard let entry = entries[name] else { return (false, nil) }
            let wasRunning = entry.state == .running
            if wasRunning || (whileStarting && entry.state == .starting) { entries[name]?.state = .stopped(how) }
            return (wasRunning, entry.client)
        }
        // Resumes a call waiting on it with an error, and ends the client's receive loop.
        if let client, wasRunning || whileStarting { Task { await client.disconnect() } }
        if wasRunning && !shuttingDown.withLock({ $0 }) {
            notice("MCP server '\(name)' stopped (\(how)); its tools are no longer offered. The session goes on.")
        }
    }

    // MARK: - Tools

    /// The tools of the servers running now, as Claude is offered them: sorted by name, so the
    /// first request's prefix is the same bytes every time.
    public var tools: [Agent.Tool] {
        let running = entries.withLock { entries in
            entries.values.filter { $0.state == .running }.map { ($0.config.name, $0.tools) }
        }
        var result: [Agent.Tool] = []
        var seen = Set<String>()
        for (server, tools) in running {
            for tool in tools {
                guard let name = MCPToolName.make(server: server, tool: tool.name), seen.insert(name).inserted else {
                    notice("MCP: server '\(server)' tool '\(tool.name)' cannot be offered: its name is too long or clashes with another")
                    continue
                }
                result.append(adapt(tool, server: server, as: name))
            }
        }
        return result.sorted { $0.name < $1.name }
    }

    func adapt(_ tool: MCP.Tool, server: String, as name: String) -> Agent.Tool {
        var schema = MCPValue.json(tool.inputSchema)
        if schema.objectValue == nil { schema = ["type": "object"] }
        let description = [tool.title, tool.description].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: ": ")
        return Agent.Tool.external(
            name: name,
            description: "[MCP server \(server)] " + (description.isEmpty ? tool.name : description),
            inputSchema: schema,
            risk: tool.annotations.readOnlyHint == true ? .readOnly : .changes,
            isOffered: { [weak self] in self?.state(of: server) == .running },
            summarize: { Self.summary($0) }
        ) { [weak self] arguments, context in
            guard let self else { return .error("the MCP servers of this session are gone") }
            return try await self.call(server: server, tool: tool.name, arguments: arguments, progress: context.progress)
        }
    }

    public func state(of server: String) -> State? {
        entries.withLock { $0[server]?.state }
    }

    /// Calls `tool` on `server`: its result as Claude reads it, or why there is none.
    public func call(server: String, tool: String, arguments: JSONValue, progress: @escaping @Sendable (String) -> Void) async throws -> ToolOutput {
        let (client, state) = entries.withLock { ($0[server]?.client, $0[server]?.state) }
        guard let client, state == .running else {
            return .error("MCP server '\(server)' is not running (\(state?.label ?? "unknown")); its tool \(tool) cannot be called now.")
        }
        let token = ProgressToken.unique()
        progressHandlers.withLock { $0[token] = progress }
        defer { _ = progressHandlers.withLock { $0.removeValue(forKey: token) } }
        do {
            let request = CallTool.request(.init(name: tool, arguments: MCPValue.arguments(arguments), meta: Metadata(progressToken: token)))
            let pending = try await client.send(request)
            let result = try await withTaskCancellationHandler {
                try await pending.value
            } onCancel: {
                Task { try? await client.cancelRequest(pending.requestID, reason: "cancelled by the user") }
            }
            return Self.output(result)
        } catch let error where error is CancellationError || Task.isCancelled {
            throw CancellationError()
        } catch {
            if self.state(of: server) != .running {
                return .error("MCP server '\(server)' stopped during the call to \(tool) (\(self.state(of: server)?.label ?? "gone")).")
            }
            return .error("MCP server '\(server)' could not run \(tool): \(Self.describe(error))")
        }
    }

    // MARK: - Status

    public var statuses: [Status] {
        entries.withLock { entries in
            entries.values.sorted { $0.config.name < $1.config.name }.map { entry in
                Status(
                    name: entry.config.name, source: entry.config.source, state: entry.state,
                    tools: entry.tools.compactMap { MCPToolName.make(server: entry.config.name, tool: $0.name) })
            }
        }
    }

    /// `/mcp`: each server, its state and its tools; or how to add one.
    public var report: [String] {
        let statuses = statuses
        guard !statuses.isEmpty else {
            return ["No MCP servers. Add them to .mcp.json in the project (or mcp.json in deployotron's config folder):",
                    #"  {"mcpServers": {"NAME": {"command": "PROGRAM", "args": ["..."], "env": {}}}}"#]
        }
        var lines: [String] = []
        for status in statuses {
            lines.append("\(status.name) (\(status.source)): \(status.state.label)")
            if status.state == .running {
                lines.append(status.tools.isEmpty ? "  no tools" : "  " + status.tools.joined(separator: ", "))
            }
        }
        return lines
    }

    // MARK: - Helpers

    static func output(_ result: CallTool.Result) -> ToolOutput {
        var parts: [String] = []
        for item in result.content {
            switch item {
            case .text(let text, _, _): parts.append(text)
            case .image(let data, let mimeType, _, _): parts.append("[image \(mimeType), \(data.count) base64 characters, not shown]")
            case .audio(let data, let mimeType, _, _): parts.append("[audio \(mimeType), \(data.count) base64 characters, not shown]")
            case .resource(let resource, _, _):
                if let text = resource.text { parts.append(text) } else { parts.append("[resource \(resource.uri), not shown]") }
            case .resourceLink(let uri, let name, _, _, _, _): parts.append("[resource link \(name): \(uri)]")
            }
        }
        let isError = result.isError ?? false
        if parts.isEmpty, let structured = result.structuredContent {
            return ToolOutput(json: MCPValue.json(structured), isError: isError)
        }
        return ToolOutput(text: parts.joined(separator: "\n"), isError: isError)
    }

    /// A call's arguments in a few words for the tool line and the permission prompt.
    static func summary(_ arguments: JSONValue) -> String {
        let text = arguments.encodedString()
        return text == "{}" ? "" : String(text.prefix(120))
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as MCPBridgeError: error.message
        case let error as MCPError: error.errorDescription ?? "\(error)"
        default: "\(error)"
        }
    }
}

/// The last bytes a server wrote to stderr, for the line that says why it did not start.
struct StderrTail: Sendable {
    private(set) var bytes = Data()

    mutating func append(_ data: Data) {
        bytes.append(data)
        if bytes.count > 4096 { bytes = Data(bytes.suffix(4096)) }
    }

    var lastLine: String {
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return String((lines.last ?? "").prefix(200))
    }
}
