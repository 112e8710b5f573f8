import Agent
import Foundation
import Locations

/// The tools a session gives Claude: the project's files and the skills for now; deployotron's
/// deploy services join them as they are written.
enum DefaultTools {
    static func registry(skills: SkillsCatalog) throws -> ToolRegistry {
        try ToolRegistry(FileTools.all + SkillTools(catalog: skills).tools)
    }

    /// The skills of the project: bundled, the user's and the project's own.
    static func skills(projectRoot: URL, environment: [String: String]) -> SkillsCatalog {
        SkillsCatalog.discover(
            projectRoot: projectRoot, home: UserDirectories(environment: environment).home,
            layout: InstallLayout.current(environment: environment))
    }
}
