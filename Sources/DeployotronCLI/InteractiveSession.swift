import Agent
import ArgumentParser
import Claude
import Foundation
import Ledger
import Locations
import MCPBridge
import Shell

/// The REPL: `deployotron` with no subcommand, in the current directory (the project).
///
/// Nothing slow happens before the first prompt: the ledger opens on first use, and without an
/// API key the REPL still opens and its slash commands work.
struct InteractiveSession {
    var options: SessionOptions

    func run(_ workspace: Workspace) async throws {
        let environment = workspace.environment
        let projectRoot = workspace.projectRoot
        let store = workspace.transcripts
        let terminal = Terminal.standardOutput(environment: environment)
        let style = terminal.style

        // Which session: a resumed one (its history repaired), or a new one.
        let saved = try SessionChoice(options: options).load(from: store, projectRoot: projectRoot)

        // A resumed session keeps its model unless --model says otherwise.
        var model = workspace.model
        if options.model == nil, let saved, !saved.summary.model.isEmpty { model = saved.summary.model }
        let claude = try? workspace.claude.get()

        let skills = workspace.skills
        let identity = try? workspace.identity()
        let ledger = workspace.ledger
        let interrupts = InterruptSignal.sigint()
        let modelNames = ModelNames(ModelProfile.current)
        let completer = SlashCommandCompleter(modelNames: modelNames) { skills.skills.map(\.name) }
        let reader = EditLineReader(
            historyFile: workspace.directories.state.appendingPathComponent("history"), historyLimit: 1000,
            complete: { completer.complete($0) })

        // The MCP servers (.mcp.json, the user's mcp.json) start before the first prompt: their tools
        // are part of the first request. One that fails or later stops is one line; the session goes on.
        let startAsker = TerminalPermissionAsker(reader: reader, terminal: terminal)
        let mcp = workspace.mcpServers(trust: { await workspace.askToStart($0, asker: startAsker) }) { line in
            terminal.line(style.yellow(line))
        }
        await mcp.start()

        var conversation: Conversation?
        var transcript: Transcript?
        var listModels: (@Sendable () async throws -> [ModelInfo])?
        if let claude {
            let client = workspace.makeClient(claude)
            let lister: any ModelListing = (client as? any ModelListing) ?? ClaudeClient(configuration: claude)
            listModels = { try await lister.models() }
            let asker = TerminalPermissionAsker(reader: reader, terminal: terminal) { interrupts.fire() }
            let registry = try workspace.registry(skills: skills, adding: mcp.tools)
            let system = try workspace.system(registry: registry, skills: skills)
            transcript = try saved?.transcript ?? store.create(projectRoot: projectRoot, model: model)
            conversation = Conversation(
                client: client, registry: registry,
                permissions: .interactive(asker: asker, projectRoot: projectRoot, grants: ToolGrants(directories: workspace.directories)),
                system: system, model: model, effort: options.effort(environment: environment),
                projectRoot: projectRoot, transcript: transcript,
                history: saved?.messages ?? [], usage: saved?.usage ?? Usage(), redact: Workspace.redact)
        }

        let missingKey: String? = claude == nil ? Self.missingKeyMessage : nil
        var context = REPLContext(
            conversation: conversation, model: model, models: ModelProfile.current, skills: skills,
            projectRoot: projectRoot, projectGuid: identity?.guid, openLedger: { try await ledger.open() },
            estimateCost: { model, usage in Pricing.forModel(model)?.cost(of: usage) },
            missingKeyMessage: missingKey, sessionID: transcript?.id, modelNames: modelNames, listModels: listModels,
            doctor: { await Doctor(workspace: workspace, offline: false).run().text })

        terminal.line(style.bold("deployotron \(DeployotronVersion.current)") + style.dim(" · \(model) · \(projectRoot.path) · /help for commands, Ctrl-D to leave"))
        if claude == nil {
            terminal.line(style.yellow(Self.missingKeyMessage))
        }
        if let saved {
            terminal.line(style.dim("Resumed session \(saved.summary.id): \(saved.messages.count) messages."))
        }

        // A project seen for the first time is filed in the ledger, off the path to the first prompt.
        let registration = Task { await workspace.register(identity) }

        // The API's model list, for Tab after `/model `, fetched off the path to the first prompt.
        let modelList = Task {
            if let listModels, let models = try? await listModels(), !models.isEmpty, !modelNames.fromAPI {
                modelNames.replace(withListed: models.map(\.id))
            }
        }
        defer { modelList.cancel() }

        if !mcp.isEmpty { context.mcpReport = { mcp.report } }
        let repl = REPL(context: context, reader: reader, terminal: terminal, interrupts: interrupts)
        await repl.run()
        await mcp.shutdown()
        await registration.value

        // A new session nobody talked in leaves no transcript behind (so --continue skips it).
        if let transcript, saved == nil, !repl.talked {
            try? FileManager.default.removeItem(at: transcript.url)
        } else if let transcript {
            terminal.line(style.dim("Session \(transcript.id) saved: `deployotron --resume \(transcript.id)` or `deployotron --continue` brings it back."))
        }
    }

    static let missingKeyMessage = "No API key: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) to talk to Claude; slash commands work without it."
}
