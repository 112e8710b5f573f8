import Foundation

/// The text `deployotron skills` and the REPL's `/skills` print: the same words in both places.
public enum SkillsReport {
    /// One block per skill: name, source and description, then any problems; then folders that
    /// could not be read and skills that a later source replaced.
    public static func list(_ catalog: SkillsCatalog) -> String {
        guard !catalog.skills.isEmpty || !catalog.problems.isEmpty else {
            return "No skills found. Put a folder with a SKILL.md in .claude/skills (this project) or ~/.claude/skills (every project).\n"
        }
        var out = ""
        for skill in catalog.skills {
            out += "\(skill.name)  [\(skill.source.label)]\n"
            out += "  \(SkillsListing.oneLine(skill.description).isEmpty ? "(no description)" : SkillsListing.oneLine(skill.description))\n"
            for problem in skill.problems {
                out += "  warning: \(problem)\n"
            }
        }
        for problem in catalog.problems {
            out += "warning: \(problem)\n"
        }
        if !catalog.overridden.isEmpty {
            out += "\nReplaced by a later source of the same name:\n"
            for skill in catalog.overridden {
                out += "  \(skill.name)  [\(skill.source.label)] \(skill.folder.path)\n"
            }
        }
        return out
    }

    /// Everything about one skill, then its body.
    public static func show(_ skill: Skill) -> String {
        var out = "name: \(skill.name)\n"
        out += "source: \(skill.source.label)\n"
        out += "folder: \(skill.folder.path)\n"
        out += "description: \(SkillsListing.oneLine(skill.description))\n"
        if !skill.allowedTools.isEmpty {
            out += "allowed-tools: \(skill.allowedTools.joined(separator: ", "))\n"
        }
        for key in skill.metadata.keys.sorted() {
            out += "metadata.\(key): \(skill.metadata[key] ?? "")\n"
        }
        let files = SkillFolder(url: skill.folder).files()
        if !files.isEmpty {
            out += "files: \(files.joined(separator: ", "))\n"
        }
        for problem in skill.problems {
            out += "warning: \(problem)\n"
        }
        out += "\n" + skill.body
        if !out.hasSuffix("\n") { out += "\n" }
        return out
    }
}
