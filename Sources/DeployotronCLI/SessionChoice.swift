import Agent
import Foundation

/// Which saved session a conversation resumes, the same way in the REPL and in `-p`:
/// `--resume ID`, or with `--continue` the newest session of this project that has messages.
struct SessionChoice {
    var options: SessionOptions

    /// The saved session to resume, nil for a new one.
    func load(from store: TranscriptStore, projectRoot: URL) throws -> SavedSession? {
        if let id = options.resumeID {
            return try store.load(id: id)
        }
        guard options.continueLast else { return nil }
        guard let latest = store.sessions(projectRoot: projectRoot).first(where: { $0.messageCount > 0 }) else {
            throw CommandError("there is no saved session of \(projectRoot.path) to continue; `deployotron sessions` lists them, or run without --continue")
        }
        return try store.load(id: latest.id)
    }
}
