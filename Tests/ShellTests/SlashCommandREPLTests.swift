import Agent
import Claude
import Foundation
import JSON
import Ledger
import Testing
@testable import Shell

@Suite(.timeLimit(.minutes(1))) struct SlashCommandREPLTests {
    @Test func modelSwitchesTheConversationsModel() async throws {
        let harness = try REPLHarness([.line("/model claude-other"), .line("hi"), .line("/model"), .endOfFile], replies: [ScriptedClaude.text("hey")])
        defer { harness.folder.remove() }
        await harness.repl.run()
        #expect(await harness.conversation.model == "claude-other")
        #expect(harness.claude.requests.first?.model == "claude-other")
        #expect(harness.output.value.contains("Model: claude-other"))
    }

    @Test func costAddsUpTheSessionAndEstimatesTheDollars() async throws {
        let usage = Usage(inputTokens: 1200, outputTokens: 300, cacheCreationInputTokens: 40, cacheReadInputTokens: 5000)
        let harness = try REPLHarness([.line("hi"), .line("/cost"), .endOfFile], replies: [ScriptedClaude.text("hey", usage: usage)])
        defer { harness.folder.remove() }
        await harness.repl.run()
        let output = harness.output.value
        #expect(output.contains("Tokens: 1,200 in, 300 out"))
        #expect(output.contains("cache: 5,000 read, 40 written"))
        // The harness prices a token at a tenth of a cent: 1500 tokens.
        #expect(output.contains("$1.50"))
    }

    @Test func clearEmptiesTheHistory() async throws {
        let harness = try REPLHarness([.line("hi"), .line("/clear"), .endOfFile], replies: [ScriptedClaude.text("hey")])
        defer { harness.folder.remove() }
        await harness.repl.run()
        #expect(await harness.conversation.messages.isEmpty)
    }

    @Test func anUnknownCommandGetsASuggestionAndNeverReachesClaude() async throws {
        let harness = try REPLHarness([.line("/modle"), .line("/histroy"), .line("/zzzzzz"), .endOfFile])
        defer { harness.folder.remove() }
        await harness.repl.run()
        let output = harness.output.value
        #expect(output.contains("Did you mean /model?"))
        #expect(output.contains("Did you mean /history?"))
        #expect(output.contains("/help lists the commands"))
        #expect(harness.claude.requests.isEmpty)
    }

    @Test func skillsListsTheCatalogAndShowsOne() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let skill = Skill.parse(
            "---\nname: deploy-node\ndescription: Deploys a Node app with docker.\n---\nBody.\n",
            folder: folder.url.appendingPathComponent("deploy-node"), source: SkillSource(kind: .bundled, directory: folder.url, label: "bundled"))
        let harness = try REPLHarness(
            [.line("/skills"), .line("/skills deploy-node"), .line("/skills deploy-nod"), .endOfFile],
            skills: SkillsCatalog(skills: [skill]), folder: folder)
        await harness.repl.run()
        let output = harness.output.value
        #expect(output.contains("deploy-node  [bundled]"))
        #expect(output.contains("  Deploys a Node app with docker."))
        #expect(output.contains("Did you mean deploy-node?"))
    }

    @Test func historyAndResourcesReadTheLedger() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ledger = try SQLiteLedger(path: folder.url.appendingPathComponent("ledger.sqlite").path)
        let project = folder.url.standardizedFileURL.path
        let started = Date(timeIntervalSince1970: 1_790_000_000)
        try await ledger.save(DeploymentRecord(
            id: "d1e2f3a4b5", projectId: project, name: "app", target: .local, status: .running,
            imageTag: "app:deploy_d1e2f3a4", port: 8080, url: "http://localhost:8080", startedAt: started))
        try await ledger.save(DeploymentRecord(
            id: "0000other", projectId: "/somewhere/else", name: "other", target: .local, status: .failed, startedAt: started))
        try await ledger.registerProject(guid: "guid-1", userId: "ann", name: "Shop", at: started)
        try await ledger.record(NotifyEvent(guid: "guid-1", kind: .resources, data: ["s3_bucket": "shop-assets"]), at: started)

        let harness = try REPLHarness(
            [.line("/history"), .line("/resources guid-1"), .line("/resources"), .endOfFile],
            folder: folder, openLedger: { ledger })
        await harness.repl.run()
        let output = harness.output.value
        #expect(output.contains("d1e2f3a4  running  local  http://localhost:8080"))
        #expect(!output.contains("0000other"))
        #expect(output.contains("s3_bucket: shop-assets"))
        #expect(output.contains("No resources recorded for this project"))
    }

    @Test func compactReplacesTheHistoryWithASummary() async throws {
        let harness = try REPLHarness(
            [.line("deploy"), .line("and check"), .line("/compact"), .endOfFile],
            replies: [ScriptedClaude.text("deployed on 8080"), ScriptedClaude.text("healthy"), ScriptedClaude.text("Project shop, node, live on port 8080 (deployment d1).")])
        defer { harness.folder.remove() }
        await harness.repl.run()
        let messages = await harness.conversation.messages
        #expect(messages.count == 2)
        #expect(messages.map(\.role) == [.user, .assistant])
        #expect(messages[0].text.contains("live on port 8080"))
        let request = try #require(harness.claude.requests.last)
        #expect(request.system.first?.text.contains("deployment") == true)
        #expect(request.messages.last?.text == Compaction.request)
        #expect(request.messages.count == 5)
        #expect(harness.output.value.contains("Compacted 4 messages into a summary of 9 words."))
    }

    @Test func compactOnAShortHistorySendsNothing() async throws {
        let harness = try REPLHarness([.line("/compact"), .endOfFile])
        defer { harness.folder.remove() }
        await harness.repl.run()
        #expect(harness.output.value.contains("Nothing to compact yet."))
        #expect(harness.claude.requests.isEmpty)
    }
}
