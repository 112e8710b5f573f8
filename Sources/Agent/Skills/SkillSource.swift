import Foundation
import Locations

/// A folder of skill folders, and where it sits in the override order.
public struct SkillSource: Sendable, Equatable {
    /// Who put the skills there: decides what `deployotron skills` calls the source.
    public enum Kind: String, Sendable, Equatable {
        /// Shipped with deployotron (`InstallLayout.skills`, or `builtInSkills` without a layout).
        case bundled
        /// The user's own, in the home folder: apply to every project.
        case user
        /// The project's, in its `.claude/skills` or `.agents/skills`.
        case project
    }

    public var kind: Kind
    /// The folder holding one folder per skill.
    public var directory: URL
    /// How listings name this source: `bundled`, `~/.claude/skills`, `.agents/skills`...
    public var label: String

    public init(kind: Kind, directory: URL, label: String) {
        self.kind = kind
        self.directory = directory
        self.label = label
    }

    /// The skills compiled into the binary, as a folder for `bundled` when no install layout is found.
    public static let builtInSkills = BundledFiles.url(for: "skills")

    /// The sources in override order, each later one replacing an earlier skill of the same name:
    /// bundled, `~/.claude/skills`, `~/.agents/skills`, then the project's `.claude/skills` and `.agents/skills`.
    ///
    /// `bundled` is nil when deployotron's data folder cannot be found; `projectRoot` nil leaves out
    /// the project's folders. When the project is the home folder, its folders are listed once, as the user's.
    public static func standard(bundled: URL?, home: URL, projectRoot: URL?) -> [SkillSource] {
        var sources: [SkillSource] = []
        if let bundled {
            sources.append(SkillSource(kind: .bundled, directory: bundled, label: "bundled"))
        }
        sources.append(SkillSource(kind: .user, directory: home.appendingPathComponent(".claude/skills", isDirectory: true), label: "~/.claude/skills"))
        sources.append(SkillSource(kind: .user, directory: home.appendingPathComponent(".agents/skills", isDirectory: true), label: "~/.agents/skills"))
        if let projectRoot, projectRoot.standardizedFileURL.path != home.standardizedFileURL.path {
            sources.append(SkillSource(kind: .project, directory: projectRoot.appendingPathComponent(".claude/skills", isDirectory: true), label: ".claude/skills"))
            sources.append(SkillSource(kind: .project, directory: projectRoot.appendingPathComponent(".agents/skills", isDirectory: true), label: ".agents/skills"))
        }
        return sources
    }
}
