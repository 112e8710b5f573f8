import Agent
import ArgumentParser
import Foundation
import Locations

/// `deployotron skills`: the skills Claude can load in this project, where each comes from, and
/// what is wrong with the ones that break the format.
struct SkillsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skills",
        abstract: "List the skills Claude can load in this project, or show one.",
        discussion: """
            Skills are read from deployotron's bundled skills/, ~/.claude/skills, ~/.agents/skills, \
            then the project's .claude/skills and .agents/skills; a later one replaces an earlier one of the same name.
            """,
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self
    )

    /// The catalog of the project in the current directory: the same skills a session loads.
    static func catalog(_ workspace: Workspace) -> SkillsCatalog {
        workspace.skills
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List each skill's name, source and description, with any problems.")

        func run() throws {
            run(Workspace.current())
        }

        func run(_ workspace: Workspace) {
            workspace.console.text(SkillsReport.list(SkillsCommand.catalog(workspace)))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one skill: where it is, its frontmatter, problems and instructions.")

        @Argument(help: "The skill's name, as `deployotron skills` lists it.")
        var name: String

        func run() throws {
            try run(Workspace.current())
        }

        func run(_ workspace: Workspace) throws {
            let catalog = SkillsCommand.catalog(workspace)
            guard let skill = catalog.skill(named: name) else {
                let names = catalog.skills.map(\.name)
                throw CommandError("no skill named '\(name)'" + (names.isEmpty ? "; no skills are installed" : "; the skills are: \(names.joined(separator: ", "))"))
            }
            workspace.console.text(SkillsReport.show(skill))
        }
    }
}
