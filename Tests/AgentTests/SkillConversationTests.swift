import Claude
import Foundation
import JSON
import Locations
import TestSupport
import Testing
@testable import Agent

/// Progressive disclosure end to end, against the fake Messages API: the system prompt carries every
/// skill's name and description and no body; the body reaches Claude only through load_skill.
@Suite struct SkillConversationTests {
    @Test func theSystemPromptListsSkillsAndLoadSkillHandsOverTheBody() async throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        let home = files.url("home")
        let project = files.url("project")
        try files.skill("home/.claude/skills", "rollback", description: "User rollback, replaced by the project's.", body: "USER-ROLLBACK-BODY step one.")
        try files.skill("project/.claude/skills", "rollback", description: "Project rollback - pick the <good> version before the live one & check it.", body: "PROJECT-ROLLBACK-BODY step one.")
        try files.skill("project/.agents/skills", "seed-data", description: "Load seed data after a deploy.", body: "SEED-DATA-BODY insert rows.")
        try files.write("project/.claude/skills/messy/SKILL.md", "Checks the messy things.\n\nMESSY-BODY more text.\n")

        let layout = PromptSystemTests.checkout
        let catalog = SkillsCatalog.discover(projectRoot: project, home: home, layout: layout)
        #expect(catalog.skills.map(\.name) == ["1-click-deploy", "log-troubleshooting", "messy", "rollback", "seed-data"])
        let registry = try ToolRegistry(SkillTools(catalog: catalog).tools)
        let system = try SystemPrompt(
            projectRoot: project, projectGuid: "3c9e1d2a-0000-4000-8000-00000000abcd", notifyURL: "http://localhost:8082",
            toolNames: registry.tools.map(\.name), skills: SkillsListing(catalog.skills)
        ).blocks(library: PromptLibrary.standard(projectRoot: project, layout: layout))

        let responses: [FakeResponse] = [
            .sse(FakeStream.toolUse(id: "toolu_load", name: "load_skill", input: ["name": "rollback"], text: "Loading the rollback skill.")),
            .sse(FakeStream.text("Rolled back.")),
        ]
        try await FakeMessagesServer.with(responses) { server in
            let client = ClaudeClient(configuration: ClaudeConfiguration(baseURL: server.baseURL, credential: .apiKey("sk-test")))
            let conversation = Conversation(
                client: client, registry: registry, permissions: .oneShot(), system: system,
                model: "claude-test", projectRoot: project
            )
            _ = try await conversation.send("Roll back, the last deploy broke checkout.") { _ in }

            let requests = await server.requests()
            #expect(requests.count == 2)
            let first = try #require(requests.first?.body)
            let systemText = try #require(first["system"]?.arrayValue?.compactMap { $0["text"]?.stringValue }.joined())
            for skill in catalog.skills {
                #expect(systemText.contains("- \(skill.name): \(SkillsListing.oneLine(skill.description))"), "\(skill.name) is not listed")
            }
            #expect(systemText.contains("pick the <good> version before the live one & check it."))
            for body in ["USER-ROLLBACK-BODY", "PROJECT-ROLLBACK-BODY", "SEED-DATA-BODY", "MESSY-BODY"] {
                #expect(!systemText.contains(body), "\(body) leaked into the system prompt")
            }
            #expect(!systemText.contains("User rollback"))
            // Every turn sends the same system prompt, so it is read from the cache.
            #expect(requests[0].body?["system"] == requests[1].body?["system"])

            let second = try #require(requests.last?.body)
            let lastUser = try #require(second["messages"]?.arrayValue?.last)
            #expect(lastUser["role"] == "user")
            let result = try #require(lastUser["content"]?.arrayValue?.first { $0["type"] == "tool_result" })
            #expect(result["tool_use_id"] == "toolu_load")
            #expect(result["is_error"] == false)
            let content = try #require(result["content"]?.stringValue)
            #expect(content.contains("PROJECT-ROLLBACK-BODY step one."))
            #expect(!content.contains("USER-ROLLBACK-BODY"))
        }
    }
}
