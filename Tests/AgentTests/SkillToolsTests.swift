import Claude
import Foundation
import JSON
import Testing
@testable import Agent

@Suite struct SkillToolsTests {
    /// A catalog with one skill `deploy` holding `checklist.md` and `parts/static.md`, and a
    /// secret file beside the skill folder.
    func setUp(_ files: SkillTestFiles) throws -> SkillTools {
        try files.skill("skills", "deploy", description: "Deploys.", body: "# Deploy\n\nFollow checklist.md.")
        try files.write("skills/deploy/checklist.md", "- [ ] check")
        try files.write("skills/deploy/parts/static.md", "static part")
        try files.write("skills/secret.txt", "top secret")
        try files.write("outside.txt", "outside")
        let catalog = SkillsCatalog.discover([SkillSource(kind: .project, directory: files.url("skills"), label: ".claude/skills")])
        return SkillTools(catalog: catalog)
    }

    func read(_ tools: SkillTools, _ path: String, skill: String = "deploy", root: URL) async throws -> ToolOutput {
        try await tools.readSkillFile.run(["skill": .string(skill), "path": .string(path)], ToolContext(projectRoot: root))
    }

    @Test func loadSkillReturnsTheBodyAndNamesTheFiles() async throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        let tools = try setUp(files)
        let output = try await tools.loadSkill.run(["name": "deploy"], ToolContext(projectRoot: files.root))
        #expect(!output.isError)
        #expect(output.text == "Skill deploy (files for read_skill_file: checklist.md, parts/static.md)\n\n# Deploy\n\nFollow checklist.md.\n")
        #expect(tools.loadSkill.risk == .readOnly)
        #expect(tools.readSkillFile.risk == .readOnly)
        #expect(try ToolRegistry(tools.tools).definitions.map(\.name) == ["load_skill", "read_skill_file"])
    }

    @Test func loadSkillOfAnUnknownNameListsTheKnownOnes() async throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        let output = try await setUp(files).loadSkill.run(["name": "nope"], ToolContext(projectRoot: files.root))
        #expect(output == .error("no skill named 'nope'; the skills are: deploy"))
    }

    @Test func readSkillFileReadsFilesInsideTheFolder() async throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        let tools = try setUp(files)
        #expect(try await read(tools, "checklist.md", root: files.root) == ToolOutput(text: "- [ ] check"))
        #expect(try await read(tools, "parts/static.md", root: files.root) == ToolOutput(text: "static part"))
        #expect(try await read(tools, "./parts/static.md", root: files.root) == ToolOutput(text: "static part"))
    }

    @Test func dotDotAndAbsolutePathsAreRefused() async throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        let tools = try setUp(files)
        for path in ["../secret.txt", "parts/../../secret.txt", "../../outside.txt", "..", files.url("outside.txt").path, "/etc/passwd", "~/.ssh/id_rsa"] {
            let output = try await read(tools, path, root: files.root)
            #expect(output.isError, "\(path) was read")
            #expect(!output.text.contains("secret") || output.text.contains("'"), "\(path)")
            #expect(!output.text.contains("top secret") && !output.text.contains("root:"))
        }
    }

    @Test func symlinksPointingOutOfTheFolderAreRefused() async throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        let tools = try setUp(files)
        try files.symlink("skills/deploy/leak.txt", to: files.url("outside.txt").path)
        try files.symlink("skills/deploy/up", to: "..")
        try files.symlink("skills/deploy/inside.md", to: "checklist.md")
        let leak = try await read(tools, "leak.txt", root: files.root)
        #expect(leak.isError)
        #expect(leak.text.contains("points outside the skill's folder"))
        let up = try await read(tools, "up/secret.txt", root: files.root)
        #expect(up.isError)
        #expect(!up.text.contains("top secret"))
        #expect(try await read(tools, "inside.md", root: files.root) == ToolOutput(text: "- [ ] check"))
    }

    @Test func aSkillFolderThatIsASymlinkStillReadsItsOwnFiles() async throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        try files.skill("store", "linked", description: "x")
        try files.write("store/linked/ref.md", "reference")
        try files.write("store/other.md", "not this one")
        try FileManager.default.createDirectory(at: files.url("skills"), withIntermediateDirectories: true)
        try files.symlink("skills/linked", to: files.url("store/linked").path)
        let tools = SkillTools(catalog: SkillsCatalog.discover([SkillSource(kind: .user, directory: files.url("skills"), label: "s")]))
        #expect(try await read(tools, "ref.md", skill: "linked", root: files.root) == ToolOutput(text: "reference"))
        #expect(try await read(tools, "../other.md", skill: "linked", root: files.root).isError)
    }

    @Test func missingFilesFoldersAndBadInputAreErrorsThatHelp() async throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        let tools = try setUp(files)
        let missing = try await read(tools, "nope.md", root: files.root)
        #expect(missing == .error("no file 'nope.md' in the skill's folder; its files: checklist.md, parts/static.md"))
        #expect(try await read(tools, "parts", root: files.root).isError)
        #expect(try await read(tools, "", root: files.root).isError)
        #expect(try await read(tools, "x.md", skill: "other", root: files.root).isError)
        let noPath = try await tools.readSkillFile.run(["skill": "deploy"], ToolContext(projectRoot: files.root))
        #expect(noPath.isError)
    }

    @Test func binaryAndHugeFilesAreHandled() async throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        let tools = try setUp(files)
        try Data([0xFF, 0xFE, 0x00, 0x81]).write(to: files.url("skills/deploy/logo.png"))
        #expect(try await read(tools, "logo.png", root: files.root) == .error("'logo.png' is not a text file"))
        try files.write("skills/deploy/big.txt", "a" + String(repeating: "é", count: SkillFolder.maximumFileSize))
        let big = try await read(tools, "big.txt", root: files.root)
        #expect(!big.isError)
        #expect(big.text.hasSuffix("[truncated: the first 262143 of 524289 bytes]"))
    }
}
