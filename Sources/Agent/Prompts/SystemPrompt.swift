import Claude
import Foundation

/// The system prompt of a session, rendered from the `system.md` template.
///
/// Every input is fixed for the session (no clock, no counters), so each turn sends the same
/// bytes and the prompt is read from the cache.
public struct SystemPrompt: Sendable, Equatable {
    /// The template's name in the prompt library.
    public static let templateName = "system.md"

    public var projectRoot: URL
    /// The project's guid (`ProjectIdentity`): resource names and notify.sh reports carry it.
    public var projectGuid: String
    /// Where `deployotron serve` listens for notify.sh.
    public var notifyURL: String
    /// The session's tool names, in registry order.
    public var toolNames: [String]
    /// Every discovered skill, as names and descriptions only.
    public var skills: SkillsListing

    public init(projectRoot: URL, projectGuid: String, notifyURL: String, toolNames: [String], skills: SkillsListing) {
        self.projectRoot = projectRoot
        self.projectGuid = projectGuid
        self.notifyURL = notifyURL
        self.toolNames = toolNames
        self.skills = skills
    }

    /// The values the template sees.
    public var values: [String: Any] {
        [
            "project_name": projectRoot.lastPathComponent,
            "project_root": projectRoot.path,
            "project_guid": projectGuid,
            "notify_url": notifyURL,
            "tools": toolNames.joined(separator: ", "),
            "has_tools": !toolNames.isEmpty,
            "skills": skills.text,
            "has_skills": !skills.text.isEmpty,
            "has_skill_tools": toolNames.contains("load_skill"),
        ]
    }

    /// The prompt as the system blocks of a request: one block, so the cache breakpoint the client
    /// puts on the last block covers all of it.
    public func blocks(library: PromptLibrary) throws -> [SystemBlock] {
        let text = try library.render(Self.templateName, values: values)
        return [SystemBlock(text: text.trimmingCharacters(in: .whitespacesAndNewlines))]
    }
}
