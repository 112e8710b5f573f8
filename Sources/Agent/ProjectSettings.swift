import Foundation
import JSON

/// A project's own settings, in `<project>/.deployotron/settings.json`.
///
/// Earlier versions kept the tools answered "always" here, where a tool or a cloned repository
/// could write them. They are now only a request: `PermissionPolicy` asks about each such tool and
/// remembers the user's "always" in `ToolGrants`. deployotron no longer writes this file's
/// `allowedTools`. Keys deployotron does not know are kept as they are when the file is written back.
public struct ProjectSettings: Sendable, Equatable {
    /// The tools the file asks to run without asking (not granted until the user confirms each).
    public var alwaysAllowedTools: [String]
    /// The whole file, to keep what other versions wrote.
    var raw: [String: JSONValue]

    public init(alwaysAllowedTools: [String] = []) {
        self.alwaysAllowedTools = alwaysAllowedTools
        self.raw = [:]
    }

    public static func url(projectRoot: URL) -> URL {
        projectRoot.appendingPathComponent(".deployotron", isDirectory: true).appendingPathComponent("settings.json")
    }

    /// The settings of the project; empty when the file does not exist.
    public static func load(projectRoot: URL) throws -> ProjectSettings {
        let url = url(projectRoot: projectRoot)
        guard let data = FileManager.default.contents(atPath: url.path) else { return ProjectSettings() }
        guard let object = (try? JSONValue(parsing: data))?.objectValue else {
            throw AgentError(.settings, "\(url.path) is not a JSON object; fix or delete it")
        }
        var settings = ProjectSettings(alwaysAllowedTools: object["allowedTools"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        settings.raw = object
        return settings
    }

    public func save(projectRoot: URL) throws {
        var object = raw
        object["allowedTools"] = .array(alwaysAllowedTools.map(JSONValue.string))
        let url = Self.url(projectRoot: projectRoot)
        do {
            var data = JSONValue.object(object).encoded()
            data.append(0x0A)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        } catch {
            throw AgentError(.settings, "could not write \(url.path): \(error.localizedDescription)")
        }
    }

}
