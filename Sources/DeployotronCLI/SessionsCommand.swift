import Agent
import ArgumentParser
import Foundation
import Locations

/// `deployotron sessions`: the saved REPL sessions, newest first, to pick one for `--resume`.
struct SessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List saved sessions (newest first); resume one with `deployotron --resume ID`.",
        discussion: "Transcripts live in $XDG_STATE_HOME/deployotron/sessions (~/.local/state/deployotron/sessions)."
    )

    @Flag(name: .customLong("all"), help: "List the sessions of every project, not only the current directory's.")
    var all = false

    @Option(help: "List at most this many.")
    var limit = 20

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        run(Workspace.current())
    }

    func run(_ workspace: Workspace) {
        let store = workspace.transcripts
        let project = workspace.projectRoot
        let sessions = store.sessions(projectRoot: all ? nil : project).filter { $0.messageCount > 0 }
        guard !sessions.isEmpty else {
            workspace.console.out(all ? "No saved sessions." : "No saved sessions of \(project.path). `deployotron sessions --all` lists every project's.")
            return
        }
        workspace.console.text(Self.render(Array(sessions.prefix(limit)), showProject: all))
    }

    /// One line per session: id, last written, messages, model, title (and project with --all).
    static func render(_ sessions: [SessionSummary], showProject: Bool) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        var out = ""
        for session in sessions {
            var parts = [session.id, formatter.string(from: session.updated), "\(session.messageCount) msgs", session.model]
            if showProject { parts.append(session.project) }
            parts.append(session.title.isEmpty ? "(no title)" : session.title)
            out += parts.joined(separator: "  ") + "\n"
        }
        return out
    }
}
