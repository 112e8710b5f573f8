import Agent
import ArgumentParser
import Claude
import Foundation
import JSON
import Ledger
import Locations
import MCPBridge

/// One-shot mode: `deployotron -p PROMPT` runs the conversation to its end and prints the answer.
///
/// The answer goes to stdout (text, or one JSON object with `--output-format json`, printed whatever
/// happened: an API failure, a stop reason other than end_turn, SIGINT or SIGTERM); progress (tool
/// calls, retries, compaction, why an answer ended early) goes to stderr. Nobody is there to answer
/// a permission question, so a tool that changes something runs only when `--allow NAME` or `--yes`
/// says so.
struct OneShot {
    var options: SessionOptions

    /// The exit status when the API still failed with a retryable error after the retries (EX_TEMPFAIL).
    static let retryableFailure: Int32 = 75

    func run(prompt: String, in workspace: Workspace) async throws {
        let projectRoot = workspace.projectRoot
        let configuration: ClaudeConfiguration
        do {
            configuration = try workspace.claude.get()
        } catch {
            throw failBeforeTheTurn("\(error)", model: workspace.model)
        }

        // The MCP servers' tools join the first request; a server that fails or stops is one line on stderr.
        let options = options
        let mcp = workspace.mcpServers(trust: { workspace.mayStart($0, options: options) }) { line in
            Self.printError("warning: \(line)")
        }
        await mcp.start()

        let skills = workspace.skills
        let registry: ToolRegistry
        let system: [SystemBlock]
        let saved: SavedSession?
        do {
            registry = try workspace.registry(skills: skills, adding: mcp.tools)
            system = try workspace.system(registry: registry, skills: skills)
            saved = try SessionChoice(options: options).load(from: workspace.transcripts, projectRoot: projectRoot)
        } catch {
            throw failBeforeTheTurn("\(error)", model: configuration.model)
        }

        // The session: a resumed one (with its model unless --model says otherwise), or a new
        // transcript. Without a transcript the answer still comes.
        var model = configuration.model
        if options.model == nil, let saved, !saved.summary.model.isEmpty { model = saved.summary.model }
        var transcript = saved?.transcript
        if saved == nil {
            do {
                transcript = try workspace.transcripts.create(projectRoot: projectRoot, model: model)
            } catch {
                Self.printError("warning: the session is not saved: \(error)")
            }
        }
        let identity = try? workspace.identity()
        let registration = Task { await workspace.register(identity) }
        defer { registration.cancel() }

        let conversation = Conversation(
            client: workspace.makeClient(configuration), registry: registry,
            permissions: .oneShot(allowed: options.allowedTools, allowAll: options.allowAll), system: system,
            model: model, effort: options.effort(environment: workspace.environment), projectRoot: projectRoot,
            transcript: transcript, history: saved?.messages ?? [], usage: saved?.usage ?? Usage(), redact: Workspace.redact)

        // SIGINT and SIGTERM cancel the turn; the report below is still printed.
        let outcome: Result<TurnResult, any Error>
        do {
            outcome = .success(try await SignalCancellation.run { try await conversation.send(prompt, onEvent: Self.showProgress) })
        } catch {
            outcome = .failure(error)
        }
        let calls = await conversation.sessionToolCalls
        let sessionUsage = await conversation.sessionUsage
        let cost = await conversation.estimatedCost
        await mcp.shutdown()

        let stopReason = (try? outcome.get())?.stopReason
        let endedEarly = (try? outcome.get()).map { !($0.stopReason?.isNormalEnd ?? false) } ?? false
        if case .success(let result) = outcome, let notice = StopReason.notice(for: result.stopReason) {
            Self.printError("warning: \(notice)")
        }
        switch (options.outputFormat, outcome) {
        case (.text, .success(let result)):
            if !result.text.isEmpty { print(result.text) }
        case (.text, .failure(let error)):
            Self.printError(Self.describe(error))
        case (.json, _):
            var report: [String: JSONValue] = [
                "type": "result",
                "is_error": .bool((try? outcome.get()) == nil || endedEarly),
                "tool_calls": .array(calls.map { ["name": .string($0.name), "input": $0.input, "is_error": .bool($0.isError)] }),
                "usage": [
                    "input_tokens": .number(Double(sessionUsage.inputTokens)),
                    "output_tokens": .number(Double(sessionUsage.outputTokens)),
                    "cache_creation_input_tokens": .number(Double(sessionUsage.cacheCreationInputTokens)),
                    "cache_read_input_tokens": .number(Double(sessionUsage.cacheReadInputTokens)),
                ],
                // null when the prices of a model in the session are unknown: no guess.
                "estimated_cost_usd": cost.map { .number(($0 * 1_000_000).rounded() / 1_000_000) } ?? .null,
                "model": .string(model),
                "session_id": transcript.map { .string($0.id) } ?? .null,
                "stop_reason": stopReason.map { .string($0.apiValue) } ?? .null,
            ]
            switch outcome {
            case .success(let result):
                report["result"] = .string(result.text)
            case .failure(let error):
                report["result"] = .string(Self.describe(error))
                Self.printError(Self.describe(error))
            }
            print(JSONValue.object(report).encodedString())
        }

        switch outcome {
        case .failure(let error):
            if Self.isCancellation(error) { throw ExitCode(SignalCancellation.cancelledStatus) }
            if let claude = error as? ClaudeError, claude.isRetryable { throw ExitCode(Self.retryableFailure) }
            throw ExitCode.failure
        case .success where endedEarly:
            throw ExitCode.failure
        case .success:
            break
        }
    }

    /// Says why nothing was sent (on stderr, and as the JSON report with `--output-format json`);
    /// returns the exit status to throw.
    func failBeforeTheTurn(_ message: String, model: String) -> ExitCode {
        Self.printError(message)
        if options.outputFormat == .json {
            let report: JSONValue = [
                "type": "result", "is_error": true, "result": .string(message), "stop_reason": .null, "tool_calls": [],
                "usage": ["input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0],
                "estimated_cost_usd": 0, "model": .string(model), "session_id": .null,
            ]
            print(report.encodedString())
        }
        return ExitCode.failure
    }

    static func isCancellation(_ error: any Error) -> Bool {
        error is CancellationError || (error as? ClaudeError)?.code == .cancelled
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case is CancellationError: "cancelled"
        case let claude as ClaudeError where claude.code == .cancelled: "cancelled"
        case let claude as ClaudeError where claude.isHistoryRejected:
            "Claude API error: \(claude); the session's history was refused: run again without --continue, or compact it in the REPL (/compact)"
        case let claude as ClaudeError: "Claude API error: \(claude)"
        default: "\(error)"
        }
    }

    // MARK: - stderr

    static func printError(_ line: String) {
        let text = line.hasPrefix("warning:") ? "deployotron: \(line)\n" : "deployotron: error: \(line)\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    static let showProgress: @Sendable (AgentEvent) -> Void = { event in
        let line: String
        switch event {
        case .toolStarted(_, let name, let summary):
            line = "→ \(name)\(summary.isEmpty ? "" : " \(summary)")"
        case .toolFinished(_, let name, let isError, let seconds) where isError:
            line = "  ✗ \(name) failed (\(String(format: "%.1f", seconds))s)"
        case .toolDenied(_, let name):
            line = "✗ \(name) refused: it changes something; allow it with --allow \(name) (or --yes)"
        case .toolRejected(_, let name, let reason):
            line = "✗ \(name) rejected: \(reason)"
        case .toolProgress(_, let message):
            line = "  … \(message)"
        case .retrying(let attempt, let delay, let reason):
            line = "retry \(attempt) in \(String(format: "%.1f", delay))s: \(reason)"
        case .compacting(.nearContextWindow(let tokens, let window)):
            line = "compacting: the conversation is at \(tokens) of \(window) tokens"
        case .compacting(.promptTooLong):
            line = "compacting: the API said the prompt is too long; asking again after"
        case .compacted(.compacted(let messages, let words)):
            line = "compacted \(messages) messages into \(words) words"
        case .compactionFailed(let reason):
            line = "compaction failed: \(reason)"
        default:
            return
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
