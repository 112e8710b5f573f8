import Claude
import Foundation
import JSON
import Locations
import Testing
@testable import Agent

@Suite struct PromptSystemTests {
    /// The checkout's own `prompts/` and `skills/`, as a built binary finds them.
    static let checkout = InstallLayout(root: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent())

    func prompt(projectRoot: URL, skills: [Skill], tools: [String] = ["detect_stack", "deploy_local", "load_skill", "read_skill_file"]) -> SystemPrompt {
        SystemPrompt(projectRoot: projectRoot, projectGuid: "0f8a2c1e-5b7d-4e3f-9a6b-1c2d3e4f5a6b", notifyURL: "http://localhost:8082", toolNames: tools, skills: SkillsListing(skills))
    }

    @Test func theBundledTemplateNamesTheProjectTheGuidTheToolsAndEverySkill() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        let catalog = SkillsCatalog.discover([SkillSource(kind: .bundled, directory: Self.checkout.skills, label: "bundled")])
        #expect(!catalog.skills.isEmpty)
        let library = PromptLibrary(bundled: Self.checkout.prompts, projectRoot: files.root)
        let blocks = try prompt(projectRoot: files.url("shop"), skills: catalog.skills).blocks(library: library)
        let text = try #require(blocks.first?.text)
        #expect(blocks.count == 1)
        #expect(text.contains(files.url("shop").path))
        #expect(text.contains("0f8a2c1e-5b7d-4e3f-9a6b-1c2d3e4f5a6b"))
        #expect(text.contains("deployotron notify-script --guid 0f8a2c1e-5b7d-4e3f-9a6b-1c2d3e4f5a6b --url http://localhost:8082"))
        #expect(text.contains("./notify.sh done"))
        #expect(text.contains("detect_stack, deploy_local, load_skill, read_skill_file"))
        #expect(!text.contains("{{"))
        for skill in catalog.skills {
            #expect(text.contains("- \(skill.name): \(SkillsListing.oneLine(skill.description))"))
            let bodyLine = try #require(skill.body.split(separator: "\n").first { $0.count > 40 && !$0.hasPrefix("#") })
            #expect(!text.contains(bodyLine), "the body of \(skill.name) leaked into the prompt")
        }
    }

    @Test func renderingTwiceGivesTheSameBytes() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        let skills = (0..<20).map { Skill(name: "s\($0)", description: "d<\($0)> & more", source: SkillSource(kind: .user, directory: files.root, label: "u"), folder: files.url("s\($0)"), body: "") }
        let library = PromptLibrary(bundled: Self.checkout.prompts, projectRoot: files.root)
        let first = try prompt(projectRoot: files.root, skills: skills).blocks(library: library)
        let second = try prompt(projectRoot: files.root, skills: skills.shuffled()).blocks(library: library)
        #expect(first == second)
        #expect(first.first?.text.contains("- s7: d<7> & more") == true)
    }

    @Test func withoutSkillsOrSkillToolsThoseSectionsAreLeftOut() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        let library = PromptLibrary(bundled: Self.checkout.prompts, projectRoot: files.root)
        let text = try #require(try prompt(projectRoot: files.root, skills: [], tools: ["detect_stack"]).blocks(library: library).first?.text)
        #expect(!text.contains("# Skills"))
        #expect(!text.contains("load_skill"))
        #expect(text.contains("Your tools this session: detect_stack."))
    }

    @Test func aProjectOverrideReplacesTheSystemPrompt() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        try files.write(".deployotron/prompts/system.md", "Custom for {{project_guid}}.\n{{skills}}\n")
        let skill = Skill(name: "x", description: "y", source: SkillSource(kind: .user, directory: files.root, label: "u"), folder: files.url("x"), body: "")
        let library = PromptLibrary(bundled: Self.checkout.prompts, projectRoot: files.root)
        let blocks = try prompt(projectRoot: files.root, skills: [skill]).blocks(library: library)
        #expect(blocks == [SystemBlock(text: "Custom for 0f8a2c1e-5b7d-4e3f-9a6b-1c2d3e4f5a6b.\n- x: y")])
    }

    // MARK: - The project's guid

    @Test func theGuidIsCreatedOnceAndKept() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        #expect(try ProjectIdentity.load(projectRoot: files.root) == nil)
        let created = try ProjectIdentity.loadOrCreate(projectRoot: files.root)
        #expect(created.isNew)
        #expect(created.guid == created.guid.lowercased())
        #expect(UUID(uuidString: created.guid) != nil)
        let again = try ProjectIdentity.loadOrCreate(projectRoot: files.root)
        #expect(again == ProjectIdentity(guid: created.guid, isNew: false))
        let json = try String(contentsOf: ProjectIdentity.url(projectRoot: files.root), encoding: .utf8)
        #expect(json.contains(created.guid))
    }

    @Test func otherKeysOfProjectJSONAreKept() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        try files.write(".deployotron/project.json", #"{"name": "shop", "owner": "ann"}"#)
        let identity = try ProjectIdentity.loadOrCreate(projectRoot: files.root) { "fixed-guid" }
        #expect(identity == ProjectIdentity(guid: "fixed-guid", isNew: true))
        let object = try JSONValue(parsing: Data(contentsOf: ProjectIdentity.url(projectRoot: files.root)))
        #expect(object == ["name": "shop", "owner": "ann", "guid": "fixed-guid"])
    }

    @Test func aBrokenProjectFileIsAClearErrorAndIsNotOverwritten() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        try files.write(".deployotron/project.json", "{not json")
        let error = try #require(throws: AgentError.self) { try ProjectIdentity.loadOrCreate(projectRoot: files.root) }
        #expect(error.code == .settings)
        #expect(error.description.contains("project.json is not a JSON object"))
        #expect(try String(contentsOf: ProjectIdentity.url(projectRoot: files.root), encoding: .utf8) == "{not json")

        try files.write(".deployotron/project.json", #"{"guid": "has spaces; rm -rf"}"#)
        #expect(throws: AgentError.self) { try ProjectIdentity.load(projectRoot: files.root) }
    }

    @Test func sessionsStartingTogetherAgreeOnOneGuid() async throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        let root = files.root
        let guids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask { try ProjectIdentity.loadOrCreate(projectRoot: root).guid }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(guids.count == 1)
    }
}
