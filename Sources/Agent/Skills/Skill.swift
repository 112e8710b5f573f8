import Foundation

/// One skill: markdown instructions Claude loads when a task needs them, in Claude Code's format
/// (a folder holding `SKILL.md` with YAML frontmatter, and optional extra files).
///
/// A skill that breaks the format still loads; what is wrong with it is in `problems`, for
/// `/skills` and `deployotron skills` to show.
public struct Skill: Sendable, Equatable {
    /// The frontmatter's `name`, or the folder's name when it has none.
    public var name: String
    /// When to use the skill: the frontmatter's `description`, or the body's first paragraph.
    public var description: String
    public var source: SkillSource
    /// The skill's folder; `read_skill_file` reads only inside it.
    public var folder: URL
    /// The markdown after the frontmatter: what `load_skill` hands Claude.
    public var body: String
    /// The frontmatter's `allowed-tools`, as given (deployotron lists it; it does not restrict tools).
    public var allowedTools: [String]
    /// The frontmatter's `metadata`, values as text.
    public var metadata: [String: String]
    /// What breaks the format: malformed YAML, a bad name, an over-long description...
    public var problems: [String]

    public init(
        name: String, description: String, source: SkillSource, folder: URL, body: String,
        allowedTools: [String] = [], metadata: [String: String] = [:], problems: [String] = []
    ) {
        self.name = name
        self.description = description
        self.source = source
        self.folder = folder
        self.body = body
        self.allowedTools = allowedTools
        self.metadata = metadata
        self.problems = problems
    }

    /// The skill file every skill folder holds.
    public static let fileName = "SKILL.md"
    /// The longest name the format allows.
    public static let maximumNameLength = 64
    /// The longest description the format allows.
    public static let maximumDescriptionLength = 1024

    /// Reads `folder/SKILL.md` leniently: only an unreadable file throws.
    public static func load(folder: URL, file: URL? = nil, source: SkillSource) throws -> Skill {
        let file = file ?? folder.appendingPathComponent(fileName)
        let data = try Data(contentsOf: file)
        var problems: [String] = []
        let text: String
        if let decoded = String(data: data, encoding: .utf8) {
            text = decoded
        } else {
            text = String(decoding: data, as: UTF8.self)
            problems.append("\(fileName) is not valid UTF-8; unreadable bytes were replaced")
        }
        return parse(text, folder: folder, source: source, problems: problems)
    }

    /// Builds a skill from the text of its `SKILL.md`.
    public static func parse(_ text: String, folder: URL, source: SkillSource, problems: [String] = []) -> Skill {
        let folderName = folder.lastPathComponent
        let frontmatter = SkillFrontmatter(parsing: text)
        var problems = problems + frontmatter.problems

        var name = frontmatter.name ?? ""
        if name.isEmpty {
            if frontmatter.hasFrontmatter { problems.append("no name in the frontmatter; using the folder's name '\(folderName)'") }
            name = folderName
        }
        problems += nameProblems(name, folderName: folderName)

        var description = frontmatter.description ?? ""
        if description.isEmpty {
            description = firstParagraph(of: frontmatter.body)
            if frontmatter.hasFrontmatter {
                problems.append(description.isEmpty
                    ? "no description: Claude cannot tell when to use this skill; add a `description:` line to the frontmatter"
                    : "no description in the frontmatter; using the first paragraph")
            } else if description.isEmpty {
                problems.append("no description: Claude cannot tell when to use this skill; add frontmatter with `name:` and `description:`")
            }
        }
        if description.count > maximumDescriptionLength {
            problems.append("description is \(description.count) characters; the format allows at most 1,024 (listings shorten it)")
        }

        return Skill(
            name: name, description: description, source: source, folder: folder, body: frontmatter.body,
            allowedTools: frontmatter.allowedTools, metadata: frontmatter.metadata, problems: problems
        )
    }

    /// What is wrong with a name: the format wants lowercase letters, digits and single hyphens,
    /// at most 64 characters, the same as the skill's folder.
    public static func nameProblems(_ name: String, folderName: String) -> [String] {
        var problems: [String] = []
        if name.count > maximumNameLength {
            problems.append("name is \(name.count) characters; the format allows at most 64")
        }
        let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        if !allowed {
            problems.append("name '\(name)' breaks the format: use lowercase letters, digits and hyphens only")
        } else if name.hasPrefix("-") || name.hasSuffix("-") || name.contains("--") {
            problems.append("name '\(name)' breaks the format: hyphens go between letters or digits, one at a time")
        }
        if name != folderName {
            problems.append("name '\(name)' does not match its folder '\(folderName)'")
        }
        return problems
    }

    /// The first paragraph of markdown text that is not a heading, on one line.
    static func firstParagraph(of markdown: String) -> String {
        var lines: [Substring] = []
        var inFence = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inFence.toggle()
                if !lines.isEmpty { break }
                continue
            }
            if inFence { continue }
            if trimmed.isEmpty || trimmed.hasPrefix("#") {
                if !lines.isEmpty { break }
                continue
            }
            lines.append(Substring(trimmed))
        }
        return lines.joined(separator: " ")
    }
}
