import Foundation
import JSON

/// Decides whether a tool call may run.
///
/// Read-only tools always run. A tool that changes something runs when the user says so: in the REPL
/// the `asker` asks (yes / no / always, "always" remembered in the user's `ToolGrants`, never in the
/// project); in one-shot mode nobody is there to ask, so only the tools named by `--allow`, or all
/// with `--yes`, run. Neither mode takes a project's `.deployotron/settings.json` as a grant: in the
/// REPL a tool it lists is still asked about once (and the question says the file lists it).
public struct PermissionPolicy: Sendable {
    public enum Mode: Sendable {
        /// Ask the user; remember "always" in `grants`, for the project at `projectRoot`.
        case interactive(asker: any PermissionAsker, projectRoot: URL, grants: ToolGrants)
        /// Never ask: run the named tools (or every tool when `allowAll`), refuse the others.
        case oneShot(allowed: Set<String>, allowAll: Bool)
    }

    /// Whether a call may run, and if not, the reason given to Claude.
    public enum Decision: Sendable, Equatable {
        case run
        case refuse(String)
    }

    public var mode: Mode

    public init(_ mode: Mode) {
        self.mode = mode
    }

    public static func interactive(asker: any PermissionAsker, projectRoot: URL, grants: ToolGrants = ToolGrants()) -> PermissionPolicy {
        PermissionPolicy(.interactive(asker: asker, projectRoot: projectRoot, grants: grants))
    }

    public static func oneShot(allowed: [String] = [], allowAll: Bool = false) -> PermissionPolicy {
        PermissionPolicy(.oneShot(allowed: Set(allowed), allowAll: allowAll))
    }

    public func decide(_ tool: Tool, input: JSONValue, summary: String) async -> Decision {
        guard tool.risk == .changes else { return .run }
        switch mode {
        case .oneShot(let allowed, let allowAll):
            if allowAll || allowed.contains(tool.name) { return .run }
            return .refuse("Refused: '\(tool.name)' changes something and one-shot mode runs such a tool only when allowed (--allow \(tool.name), or --yes). Do not retry it; say what you would have done instead.")
        case .interactive(let asker, let projectRoot, let grants):
            if grants.allowed(projectRoot: projectRoot).contains(tool.name) { return .run }
            var request = PermissionRequest(toolName: tool.name, summary: summary, input: input)
            if let settings = try? ProjectSettings.load(projectRoot: projectRoot), settings.alwaysAllowedTools.contains(tool.name) {
                // The project asks for it; only the user's own "always" makes it so.
                request.summary = "[.deployotron/settings.json lists it: 'always' confirms] " + summary
            }
            switch await asker.ask(request) {
            case .yes:
                return .run
            case .always:
                // Not being able to remember the answer must not cost the user this call.
                try? grants.allow(tool.name, projectRoot: projectRoot)
                return .run
            case .no:
                return .refuse("The user declined '\(tool.name)'. Do not retry it unless the user asks; ask what they would like instead.")
            }
        }
    }
}
