import Foundation
import JSON
import Locations

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The tools the user answered "always" to, per project, kept in the user's own state:
/// `$XDG_STATE_HOME/deployotron/permissions.json` (mode 0600).
///
/// Never in the project: a file there can be written by a tool or shipped in a repository, and
/// would then grant what the user never granted. A project is known by its real path, not by the
/// guid in its `project.json` (a file the project also controls), so a clone elsewhere starts with
/// nothing allowed.
public struct ToolGrants: Sendable {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// The user's file, under `directories.state`.
    public init(directories: UserDirectories = UserDirectories()) {
        self.init(url: directories.state.appendingPathComponent("permissions.json"))
    }

    /// The tools allowed without asking in the project at `projectRoot`; none when the file is
    /// missing or unreadable.
    public func allowed(projectRoot: URL) -> Set<String> {
        let projects = load()
        guard let tools = projects[Self.key(projectRoot)]?["allowedTools"]?.arrayValue else { return [] }
        return Set(tools.compactMap(\.stringValue))
    }

    /// Remembers `tool` for the project. Entries of folders that no longer exist are dropped.
    public func allow(_ tool: String, projectRoot: URL) throws {
        let key = Self.key(projectRoot)
        var projects = load().filter { $0.key == key || FileManager.default.fileExists(atPath: $0.key) }
        var tools = projects[key]?["allowedTools"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard !tools.contains(tool) else { return }
        tools.append(tool)
        projects[key] = ["allowedTools": .array(tools.map(JSONValue.string))]
        var data = JSONValue.object(["projects": .object(projects)]).encoded()
        data.append(0x0A)
        do {
            try PrivateFile.write(data, to: url)
        } catch {
            throw AgentError(.settings, "could not remember the permission in \(url.path): \(error.localizedDescription)")
        }
    }

    private func load() -> [String: JSONValue] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [:] }
        return (try? JSONValue(parsing: data))?["projects"]?.objectValue ?? [:]
    }

    /// The project's real path: a symbolic link to it is the same project.
    static func key(_ projectRoot: URL) -> String {
        ProjectPath.realPath(projectRoot.path) ?? projectRoot.standardizedFileURL.path
    }
}
