import Foundation
import JSON

/// The two tools of progressive disclosure: the system prompt lists only each skill's name and
/// description; Claude calls `load_skill` for the body when a task needs it, and
/// `read_skill_file` for a file the body points to. Both only read.
public struct SkillTools: Sendable {
    public var catalog: SkillsCatalog

    public init(catalog: SkillsCatalog) {
        self.catalog = catalog
    }

    /// `load_skill` and `read_skill_file`, in that order.
    public var tools: [Tool] { [loadSkill, readSkillFile] }

    struct LoadSkillInput: ToolInput, Codable {
        var name: String

        static let schema: JSONValue = [
            "type": "object",
            "properties": [
                "name": ["type": "string", "description": "The skill's name, as the system prompt lists it."],
            ],
            "required": ["name"],
        ]
    }

    struct ReadSkillFileInput: ToolInput, Codable {
        var skill: String
        var path: String

        static let schema: JSONValue = [
            "type": "object",
            "properties": [
                "skill": ["type": "string", "description": "The skill's name."],
                "path": ["type": "string", "description": "The file's path inside the skill's folder, e.g. checklist.md."],
            ],
            "required": ["skill", "path"],
        ]
    }

    public var loadSkill: Tool {
        let catalog = catalog
        return Tool.make(
            name: "load_skill",
            description: """
                Loads a skill's instructions. The system prompt lists the skills by name and description; \
                before a task one of them covers, call this with its name and follow what it says.
                """,
            risk: .readOnly,
            input: LoadSkillInput.self,
            summarize: { input in input.name },
            run: { input, _ in
                let name = input.name
                guard !name.isEmpty else {
                    return .error("give the skill's name, e.g. {\"name\": \"rollback\"}")
                }
                guard let skill = catalog.skill(named: name) else {
                    return .error(Self.unknown(name, in: catalog))
                }
                return ToolOutput(text: Self.loaded(skill))
            }
        )
    }

    public var readSkillFile: Tool {
        let catalog = catalog
        return Tool.make(
            name: "read_skill_file",
            description: """
                Reads a file bundled with a skill (a checklist, a template, a reference), when the skill's \
                instructions point to it. The path is relative to the skill's folder; files outside it cannot be read.
                """,
            risk: .readOnly,
            input: ReadSkillFileInput.self,
            summarize: { input in "\(input.skill)/\(input.path)" },
            run: { input, _ in
                let name = input.skill
                let path = input.path
                guard !name.isEmpty else {
                    return .error("give the skill's name and the file's path, e.g. {\"skill\": \"rollback\", \"path\": \"checklist.md\"}")
                }
                guard let skill = catalog.skill(named: name) else {
                    return .error(Self.unknown(name, in: catalog))
                }
                let result = SkillFolder(url: skill.folder).read(path)
                return ToolOutput(text: result.text, isError: result.isError)
            }
        )
    }

    /// What `load_skill` returns: the body, preceded by the files `read_skill_file` can read.
    static func loaded(_ skill: Skill) -> String {
        let files = SkillFolder(url: skill.folder).files()
        var header = "Skill \(skill.name)"
        if !files.isEmpty {
            header += " (files for read_skill_file: \(files.joined(separator: ", ")))"
        }
        return header + "\n\n" + skill.body
    }

    static func unknown(_ name: String, in catalog: SkillsCatalog) -> String {
        let names = catalog.skills.map(\.name)
        return names.isEmpty
            ? "no skill named '\(name)': no skills are installed"
            : "no skill named '\(name)'; the skills are: \(names.joined(separator: ", "))"
    }
}
