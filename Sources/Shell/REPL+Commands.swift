import Agent
import Claude
import Foundation
import JSON
import Ledger
import Synchronization

// MARK: - Slash commands

extension REPL {
    enum CommandResult: Equatable {
        case proceed
        case exit
    }

    func perform(_ command: SlashCommand) async -> CommandResult {
        switch command {
        case .help: help()
        case .model(let name): await model(name)
        case .cost: await cost()
        case .clear: await clear()
        case .compact: await compact()
        case .mcp: mcp()
        case .skills(let name): skills(name)
        case .resources(let guid): await resources(guid)
        case .history: await history()
        case .doctor: await doctor()
        case .exit: return .exit
        case .unknown(let name, let suggestion):
            let hint = suggestion.map { " Did you mean /\($0)?" } ?? " /help lists the commands."
            terminal.error("there is no command /\(name).\(hint)")
        }
        return .proceed
    }

    func help() {
        let style = terminal.style
        let width = SlashCommand.specs.map { $0.name.count + ($0.argument.map { $0.count + 1 } ?? 0) }.max() ?? 0
        terminal.line(style.bold("Commands"))
        for spec in SlashCommand.specs {
            let usage = spec.name + (spec.argument.map { " " + $0 } ?? "")
            let padding = String(repeating: " ", count: max(0, width - usage.count))
            terminal.line("  /" + usage + padding + "  " + spec.summary)
        }
        terminal.line(style.bold("Keys"))
        terminal.line("  Enter sends; end a line with \\ to go on with the next. Tab completes commands, models and skills.")
        terminal.line("  Up/Down and Ctrl-R search the history. Ctrl-C cancels a running turn; twice on an empty line, or Ctrl-D, exits.")
        if let id = context.sessionID {
            terminal.line(style.dim("Session \(id): `deployotron --resume \(id)` or `deployotron --continue` brings it back."))
        }
    }

    /// `/model` lists the models the API serves (`GET /v1/models`) and marks the one in use;
    /// `/model NAME` switches, after checking NAME against that list (or, offline, against the
    /// models deployotron knows), and refuses an unknown name with the nearest ones.
    func model(_ name: String?) async {
        let style = terminal.style
        guard let name else {
            terminal.line("Model: " + style.bold(model) + Self.windowNote(model, style: style))
            let listed = await fetchModels()
            let names = listed ?? context.modelNames.all
            if !names.isEmpty {
                terminal.line(style.dim(listed == nil ? "Known models:" : "Models the API offers:"))
                for candidate in names {
                    terminal.line((candidate == model ? "* " : "  ") + candidate + Self.windowNote(candidate, style: style))
                }
            }
            return
        }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._:@".contains($0)) }) else {
            terminal.error("\(name.debugDescription) is not a model name; /model lists the models")
            return
        }
        let listed = await fetchModels()
        let names = listed ?? Array(Set(context.modelNames.all + ModelProfile.current)).sorted()
        let accepted: Bool
        if let listed {
            // An alias stands for its dated snapshots (claude-sonnet-4-5 for claude-sonnet-4-5-20250929).
            accepted = listed.contains(name) || listed.contains { $0.hasPrefix(name + "-") }
        } else {
            accepted = names.contains(name) || ModelProfile.of(name) != nil
        }
        guard accepted else {
            let near = ModelNames.suggestions(for: name, among: names)
            let hint = near.isEmpty ? " /model lists the models." : " Did you mean \(near.joined(separator: ", "))?"
            let source = listed == nil ? "deployotron does not know" : "the API does not offer"
            terminal.error("\(name) is a model \(source); the model stays \(model).\(hint)")
            return
        }
        state.withLock { $0.model = name }
        await context.conversation?.setModel(name)
        var note = ""
        if Pricing.forModel(name) == nil {
            note = style.dim(" (deployotron does not know its prices: /cost shows tokens only)")
        }
        terminal.line("Model: " + style.bold(name) + note)
    }

    /// " (1M context)" for a model whose window is known.
    static func windowNote(_ model: String, style: TerminalStyle) -> String {
        guard let window = ModelProfile.of(model)?.contextWindow else { return "" }
        let text = window >= 1_000_000 ? "\(window / 1_000_000)M" : "\(window / 1000)K"
        return style.dim(" (\(text) context)")
    }

    /// The API's model ids, asked once per session and kept for Tab; nil when there is no client or
    /// the request failed (said in one dim line).
    func fetchModels() async -> [String]? {
        if context.modelNames.fromAPI { return context.modelNames.all }
        guard let listModels = context.listModels else { return nil }
        switch await runCancellable({ try await listModels() }) {
        case .finished(let models) where !models.isEmpty:
            let ids = models.map(\.id)
            context.modelNames.replace(withListed: ids)
            return ids
        case .finished:
            return nil
        case .cancelled:
            return nil
        case .failed(let error):
            terminal.line(terminal.style.dim("Could not list the API's models: \(Self.describe(error))"))
            return nil
        }
    }

    func cost() async {
        let usage = await context.conversation?.sessionUsage ?? Usage()
        let model = self.model
        // The conversation prices each response at its own model's prices; nil when one is unknown.
        let dollars = await context.conversation?.estimatedCost ?? context.estimateCost(model, usage)
        terminal.line(Self.costReport(usage: usage, model: model, dollars: dollars))
    }

    /// 1,234,567: grouped by hand, so the output does not depend on the locale.
    static func count(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var out = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// "Tokens: 1,200 in, 350 out; cache: 5,000 read, 800 written. Estimated cost: $0.0123 (model)."
    static func costReport(usage: Usage, model: String, dollars: Double?) -> String {
        var line = "Tokens: \(count(usage.inputTokens)) in, \(count(usage.outputTokens)) out; "
        line += "cache: \(count(usage.cacheReadInputTokens)) read, \(count(usage.cacheCreationInputTokens)) written. "
        if let dollars {
            line += "Estimated cost: $" + String(format: dollars < 1 ? "%.4f" : "%.2f", dollars) + " (\(model) prices)."
        } else {
            line += "Estimated cost: unknown (deployotron does not know the prices of \(model))."
        }
        return line
    }

    func clear() async {
        guard let conversation = context.conversation else {
            terminal.line("Nothing to clear.")
            return
        }
        await conversation.clear()
        terminal.line("Conversation cleared; Claude starts afresh (the transcript keeps what came before).")
    }

    /// The same report as `deployotron skills` and `deployotron skills show NAME`.
    func skills(_ name: String?) {
        guard let name else {
            print(SkillsReport.list(context.skills))
            return
        }
        guard let skill = context.skills.skill(named: name) else {
            let nearest = context.skills.skills.map { ($0.name, EditDistance.between(name, $0.name)) }.min { $0.1 < $1.1 }
            let hint = nearest.flatMap { $0.1 <= 3 ? " Did you mean \($0.0)?" : nil } ?? " /skills lists them."
            terminal.error("there is no skill \(name).\(hint)")
            return
        }
        print(SkillsReport.show(skill))
    }

    /// Prints a report's lines, without the blank line its final newline would make.
    private func print(_ report: String) {
        var lines = report.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        for line in lines { terminal.line(line) }
    }

    /// The ledger's ids of this project: its guid, and its folder's absolute path (what the deploy
    /// tools record when they are given no guid).
    var projectIDs: [String] {
        [context.projectGuid, context.projectRoot.standardizedFileURL.path].compactMap { $0 }
    }

    func resources(_ guid: String?) async {
        guard let openLedger = context.openLedger else {
            terminal.error("there is no ledger to read; pass --store or set DEPLOYOTRON_STORE")
            return
        }
        let ids = guid.map { [$0] } ?? projectIDs
        let outcome = await runCancellable { () -> ResourceRecord? in
            let ledger = try await openLedger()
            for id in ids {
                if let record = try await ledger.resources(guid: id) { return record }
            }
            return nil
        }
        switch outcome {
        case .finished(let record?):
            terminal.write(Self.render(record, style: terminal.style))
        case .finished(nil):
            terminal.line("No resources recorded for \(guid ?? "this project"). Build agents report them with `notify.sh resources '{...}'`; /resources GUID shows another project.")
        case .cancelled:
            terminal.line(terminal.style.yellow("⏹ Cancelled."))
        case .failed(let error):
            terminal.error("could not read the ledger: \(Self.describe(error))")
        }
    }

    static func render(_ record: ResourceRecord, style: TerminalStyle) -> String {
        var lines = [style.bold(record.projectName) + " (\(record.projectId)), user \(record.userId), updated \(LedgerTime.string(record.updatedAt))"]
        for key in record.awsResources.keys.sorted() {
            let value = record.awsResources[key]!
            lines.append("  \(key): \(value.stringValue ?? value.encodedString())")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func history() async {
        guard let openLedger = context.openLedger else {
            terminal.error("there is no ledger to read; pass --store or set DEPLOYOTRON_STORE")
            return
        }
        let ids = projectIDs
        let outcome = await runCancellable { () -> [DeploymentRecord] in
            let ledger = try await openLedger()
            var all: [DeploymentRecord] = []
            for id in ids { all += try await ledger.deployments(projectId: id, limit: 20) }
            return Array(all.sorted { $0.startedAt > $1.startedAt }.prefix(20))
        }
        switch outcome {
        case .finished(let deployments) where deployments.isEmpty:
            terminal.line("No deployments of this project yet.")
        case .finished(let deployments):
            for deployment in deployments {
                terminal.line(Self.render(deployment, style: terminal.style))
            }
        case .cancelled:
            terminal.line(terminal.style.yellow("⏹ Cancelled."))
        case .failed(let error):
            terminal.error("could not read the ledger: \(Self.describe(error))")
        }
    }

    /// `/doctor`: the same report as `deployotron doctor`; Ctrl-C stops it.
    func doctor() async {
        guard let doctor = context.doctor else {
            terminal.error("/doctor is not available here; run `deployotron doctor`")
            return
        }
        terminal.line(terminal.style.dim("Checking..."))
        switch await runCancellable({ await doctor() }) {
        case .finished(let report):
            for line in report.split(separator: "\n") {
                terminal.line(String(line))
            }
        case .cancelled:
            terminal.line(terminal.style.yellow("⏹ Cancelled."))
        case .failed(let error):
            terminal.error("the checks did not finish: \(Self.describe(error))")
        }
    }

    /// "a1b2c3d4  running  local  http://localhost:8080  2026-11-22 02:10  myapp:deploy_a1b2c3d4".
    static func render(_ deployment: DeploymentRecord, style: TerminalStyle) -> String {
        let status: String
        switch deployment.status {
        case .running: status = style.green(deployment.status.rawValue)
        case .failed, .interrupted: status = style.red(deployment.status.rawValue)
        default: status = deployment.status.rawValue
        }
        var parts = [String(deployment.id.prefix(8)), status, deployment.target.rawValue]
        if let url = deployment.url { parts.append(url) } else if let port = deployment.port { parts.append("port \(port)") }
        parts.append(LedgerTime.string(deployment.startedAt))
        if let tag = deployment.imageTag { parts.append(style.dim(tag)) }
        var line = parts.joined(separator: "  ")
        if let error = deployment.error, deployment.status == .failed {
            line += "\n    " + style.dim(TurnPrinter.oneLine(error))
        }
        return line
    }
}
