import Claude
import Foundation
import JSON
import Locations

/// The session transcripts: `$XDG_STATE_HOME/deployotron/sessions/<id>.jsonl`, one file per session.
public struct TranscriptStore: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The store under the user's XDG state folder.
    public init(directories: UserDirectories = UserDirectories()) {
        self.init(directory: directories.state.appendingPathComponent("sessions", isDirectory: true))
    }

    /// Starts a new session's transcript for the project and writes its header.
    public func create(projectRoot: URL, model: String, date: Date = Date()) throws -> Transcript {
        let id = Self.newID(date: date)
        let transcript = Transcript(id: id, url: url(of: id))
        try transcript.append(.session(id: id, project: Self.projectPath(projectRoot), model: model, date: date))
        return transcript
    }

    /// Reads a session back. A torn last line is ignored (and sealed, so appending continues cleanly),
    /// and a dangling `tool_use` is answered with an interruption note.
    public func load(id: String) throws -> SavedSession {
        guard Self.isValidID(id) else {
            throw AgentError(.transcript, "'\(id)' is not a session id; `deployotron sessions` lists them")
        }
        let url = url(of: id)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw AgentError(.transcript, "no session '\(id)' in \(directory.path); `deployotron sessions` lists them")
        }
        guard let replay = Self.replay(data, id: id, updated: Self.modificationDate(url)) else {
            throw AgentError(.transcript, "\(url.path) is not a deployotron transcript")
        }
        let transcript = Transcript(id: id, url: url)
        try transcript.sealTornLine()
        return SavedSession(summary: replay.summary, messages: replay.messages, usage: replay.usage, transcript: transcript)
    }

    /// The saved sessions, newest (last written) first; only the project's when `projectRoot` is given.
    public func sessions(projectRoot: URL? = nil) -> [SessionSummary] {
        let project = projectRoot.map(Self.projectPath)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var found: [SessionSummary] = []
        for name in names where name.hasSuffix(".jsonl") {
            let id = String(name.dropLast(".jsonl".count))
            let url = url(of: id)
            guard Self.isValidID(id), let data = FileManager.default.contents(atPath: url.path),
                let replay = Self.replay(data, id: id, updated: Self.modificationDate(url))
            else { continue }
            if let project, replay.summary.project != project { continue }
            found.append(replay.summary)
        }
        return found.sorted { ($0.updated, $0.id) > ($1.updated, $1.id) }
    }

    /// The session `--continue` resumes: the project's most recently written one.
    public func latest(projectRoot: URL) -> SessionSummary? {
        sessions(projectRoot: projectRoot).first
    }

    public func url(of id: String) -> URL {
        directory.appendingPathComponent("\(id).jsonl")
    }

    // MARK: - Reading

    struct Replay {
        var summary: SessionSummary
        var messages: [Message]
        var usage: Usage
    }

    /// Replays the lines of a transcript; nil when it has no session header.
    static func replay(_ data: Data, id: String, updated: Date) -> Replay? {
        var header: (project: String, model: String, date: Date)?
        var messages: [Message] = []
        var usage = Usage()
        var title = ""
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: true) {
            // A line that does not parse is a torn last line (a crash mid-write): skip it.
            guard let value = try? JSONValue(parsing: Data(line)), let entry = TranscriptEntry(jsonValue: value) else { continue }
            switch entry {
            case .session(_, let project, let model, let date):
                if header == nil { header = (project, model, date) }
            case .message(let message, let messageUsage, _):
                messages.append(message)
                if let messageUsage { usage += messageUsage }
                if title.isEmpty, message.role == .user, !message.text.isEmpty {
                    title = String(message.text.split(whereSeparator: \.isNewline).first ?? "").trimmingCharacters(in: .whitespaces)
                    if title.count > 72 { title = String(title.prefix(71)) + "…" }
                }
            case .cleared:
                messages = []
            case .replaced(let replacement, _):
                messages = replacement
            }
        }
        guard let header else { return nil }
        let repaired = HistoryRepair.repaired(messages)
        let summary = SessionSummary(
            id: id, project: header.project, model: header.model, created: header.date,
            updated: max(updated, header.date), messageCount: repaired.count, title: title)
        return Replay(summary: summary, messages: repaired, usage: usage)
    }

    // MARK: - Names

    /// `YYYYMMDD-HHMMSS-xxxxxx`: sorts by creation time, unique enough for one user.
    static func newID(date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let stamp = String(format: "%04d", parts.year ?? 0) + two(parts.month) + two(parts.day) + "-" + two(parts.hour) + two(parts.minute) + two(parts.second)
        let random = String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
        return stamp + "-" + String(repeating: "0", count: 6 - random.count) + random
    }

    /// Ids are file names: letters, digits and '-' only, so `--resume ../x` cannot leave the folder.
    public static func isValidID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D }
    }

    /// The project's real path, as transcripts record it.
    public static func projectPath(_ root: URL) -> String {
        ProjectPath.realPath(root.path) ?? root.standardizedFileURL.path
    }

    static func modificationDate(_ url: URL) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
    }
}
