import Foundation

/// A line starting with `/`: the REPL's own commands, which never go to Claude.
public enum SlashCommand: Sendable, Equatable {
    case help
    /// `/model` shows the model; `/model NAME` switches to it.
    case model(String?)
    case cost
    case clear
    case compact
    /// The MCP servers of the session, their state and their tools.
    case mcp
    /// `/skills` lists them; `/skills NAME` shows one.
    case skills(String?)
    /// `/resources` shows this project's; `/resources GUID` another project's.
    case resources(String?)
    case history
    /// What `deployotron doctor` checks: key, API, model, ledger, engine, AWS, serve, skills.
    case doctor
    case exit
    /// A command nobody knows, with the nearest known one when there is one close enough.
    case unknown(name: String, suggestion: String?)

    /// One known command, for /help, completion and suggestions.
    public struct Spec: Sendable, Equatable {
        public var name: String
        public var argument: String?
        public var summary: String
        /// Whether it talks to Claude (so it needs an API key).
        public var needsModel: Bool
    }

    public static let specs: [Spec] = [
        Spec(name: "help", argument: nil, summary: "show these commands", needsModel: false),
        Spec(name: "model", argument: "[NAME]", summary: "the model in use and the models the API offers, or switch to NAME", needsModel: false),
        Spec(name: "cost", argument: nil, summary: "tokens in and out, cache reads and writes, estimated cost", needsModel: false),
        Spec(name: "clear", argument: nil, summary: "forget the conversation and start a new session", needsModel: false),
        Spec(name: "compact", argument: nil, summary: "summarise the conversation into a shorter one that keeps the deploy state", needsModel: true),
        Spec(name: "mcp", argument: nil, summary: "the MCP servers of this session (.mcp.json), their state and tools", needsModel: false),
        Spec(name: "skills", argument: "[NAME]", summary: "list the skills, or show one", needsModel: false),
        Spec(name: "resources", argument: "[GUID]", summary: "the resources build agents reported for this project (or GUID)", needsModel: false),
        Spec(name: "history", argument: nil, summary: "this project's deployments, newest first", needsModel: false),
        Spec(name: "doctor", argument: nil, summary: "check the key, API, model, ledger, engine, AWS, serve and skills", needsModel: false),
        Spec(name: "exit", argument: nil, summary: "leave (Ctrl-D does too)", needsModel: false),
    ]

    public static var names: [String] { specs.map(\.name) }

    /// The command on `line`, or nil when the line is not a slash command (it goes to Claude).
    /// A line starting with `//` or `/ ` is text for Claude, not a command.
    public static func parse(_ line: String) -> SlashCommand? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("/"), trimmed.count > 1 else { return nil }
        let body = trimmed.dropFirst()
        guard let first = body.first, first != "/", first != " " else { return nil }
        let parts = body.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        let name = parts[0].lowercased()
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
        let given = argument.flatMap { $0.isEmpty ? nil : $0 }
        switch name {
        case "help", "?": return .help
        case "model": return .model(given)
        case "cost": return .cost
        case "clear": return .clear
        case "compact": return .compact
        case "mcp": return .mcp
        case "skills", "skill": return .skills(given)
        case "resources": return .resources(given)
        case "history": return .history
        case "doctor": return .doctor
        case "exit", "quit": return .exit
        default: return .unknown(name: String(parts[0]), suggestion: suggestion(for: name))
        }
    }

    /// The known command nearest to `name`: one it starts, or within two edits.
    public static func suggestion(for name: String) -> String? {
        let name = name.lowercased()
        if let prefixed = names.first(where: { $0.hasPrefix(name) }), !name.isEmpty {
            return prefixed
        }
        let scored = names.map { ($0, EditDistance.between(name, $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let limit = name.count <= 3 ? 1 : 2
        return best.1 <= limit ? best.0 : nil
    }
}
