import Agent
import ArgumentParser
import Claude
import Foundation
import Ledger
import Locations
import Shell

/// The REPL: `deployotron` with no subcommand, in the current directory (the project).
///
/// Nothing slow happens before the first prompt: the ledger opens on first use, and without an
/// API key the REPL still opens and its slash commands work.
struct InteractiveSession {
    var options: SessionOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let projectRoot = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        let directories = UserDirectories(environment: environment)
        let store = TranscriptStore(directories: directories)
        let terminal = Terminal.standardOutput(environment: environment)
        let style = terminal.style

        // Which session: a resumed one (its history repaired), or a new one.
        var saved: SavedSession?
        if let id = options.resumeID {
            saved = try store.load(id: id)
        } else if options.continueLast {
            guard let latest = store.sessions(projectRoot: projectRoot).first(where: { $0.messageCount > 0 }) else {
                throw ValidationError("there is no saved session of \(projectRoot.path) to continue; `deployotron sessions` lists them")
            }
            saved = try store.load(id: latest.id)
        }

        var model = ClaudeConfiguration.resolveModel(flag: options.model, environment: environment, projectDirectory: projectRoot)
        if options.model == nil, let saved, !saved.summary.model.isEmpty { model = saved.summary.model }
        let claude = try? ClaudeConfiguration(environment: environment, modelFlag: model, projectDirectory: projectRoot)

        let skills = DefaultTools.skills(projectRoot: projectRoot, environment: environment)
        let identity = try? ProjectIdentity.loadOrCreate(projectRoot: projectRoot)
        let location = try LedgerLocation.resolve(flag: nil, environment: environment)
        let ledger = LazyLedger(location: location, environment: environment)
        let interrupts = InterruptSignal.sigint()
        let completer = SlashCommandCompleter(models: Self.knownModels) { skills.skills.map(\.name) }
        let reader = EditLineReader(
            historyFile: directories.state.appendingPathComponent("history"), historyLimit: 1000,
            complete: { completer.complete($0) })

        var conversation: Conversation?
        var transcript: Transcript?
        var client: ClaudeClient?
        if let claude {
            let asker = TerminalPermissionAsker(reader: reader, terminal: terminal) { interrupts.fire() }
            let registry = try DefaultTools.registry(skills: skills, ledger: ledger, projectGuid: identity?.guid, environment: environment)
            let system = Self.system(
                projectRoot: projectRoot, projectGuid: identity?.guid ?? "unknown", registry: registry, skills: skills,
                environment: environment)
            transcript = try saved?.transcript ?? store.create(projectRoot: projectRoot, model: model)
            let streaming = ClaudeClient(configuration: claude)
            client = streaming
            conversation = Conversation(
                client: streaming, registry: registry,
                permissions: .interactive(asker: asker, projectRoot: projectRoot),
                system: system, model: model, projectRoot: projectRoot, transcript: transcript,
                history: saved?.messages ?? [], usage: saved?.usage ?? Usage(), redact: DefaultTools.redact)
        }

        let context = REPLContext(
            conversation: conversation, client: client, model: model, models: Self.knownModels, skills: skills,
            projectRoot: projectRoot, projectGuid: identity?.guid, openLedger: { try await ledger.open() },
            estimateCost: { model, usage in Pricing.forModel(model).cost(of: usage) },
            missingKeyMessage: claude == nil ? Self.missingKeyMessage : nil, sessionID: transcript?.id)

        terminal.line(style.bold("deployotron \(DeployotronVersion.current)") + style.dim(" · \(model) · \(projectRoot.path) · /help for commands, Ctrl-D to leave"))
        if claude == nil {
            terminal.line(style.yellow(Self.missingKeyMessage))
        }
        if let saved {
            terminal.line(style.dim("Resumed session \(saved.summary.id): \(saved.messages.count) messages."))
        }

        // A project seen for the first time is filed in the ledger, off the path to the first prompt.
        let registration = Task {
            guard let identity, identity.isNew else { return }
            let user = environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? ProjectRecord.unknownUser
            _ = try? await ledger.open().registerProject(guid: identity.guid, userId: user, name: projectRoot.lastPathComponent, at: Date())
        }

        let repl = REPL(context: context, reader: reader, terminal: terminal, interrupts: interrupts)
        await repl.run()
        await registration.value

        // A new session nobody talked in leaves no transcript behind (so --continue skips it).
        if let transcript, saved == nil, !repl.talked {
            try? FileManager.default.removeItem(at: transcript.url)
        } else if let transcript {
            terminal.line(style.dim("Session \(transcript.id) saved: `deployotron --resume \(transcript.id)` or `deployotron --continue` brings it back."))
        }
    }

    /// The system prompt from the prompt library; a short fallback when the library cannot be read,
    /// so a broken install still opens a session.
    static func system(
        projectRoot: URL, projectGuid: String, registry: ToolRegistry, skills: SkillsCatalog, environment: [String: String]
    ) -> [SystemBlock] {
        let prompt = SystemPrompt(
            projectRoot: projectRoot, projectGuid: projectGuid,
            notifyURL: environment["DEPLOYOTRON_NOTIFY_URL"] ?? "http://127.0.0.1:8082",
            toolNames: registry.tools.map(\.name), skills: SkillsListing(skills.skills))
        let library = PromptLibrary.standard(projectRoot: projectRoot, layout: InstallLayout.current(environment: environment))
        if let blocks = try? prompt.blocks(library: library) { return blocks }
        return [SystemBlock(text: "You are deployotron, a deploy assistant working in the project at \(projectRoot.path). Use the tools to inspect and deploy it.")]
    }

    static let missingKeyMessage = "No API key: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) to talk to Claude; slash commands work without it."

    /// Offered by Tab after `/model` and listed by `/model`.
    static let knownModels = [
        "claude-sonnet-4-5", "claude-opus-4-5", "claude-haiku-4-5", "claude-opus-4-1", "claude-sonnet-4-0",
    ]
}
