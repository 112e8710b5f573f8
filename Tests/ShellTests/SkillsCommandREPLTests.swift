import Agent
import Foundation
import Testing
@testable import Shell

@Suite(.timeLimit(.minutes(1))) struct SkillsCommandREPLTests {
    /// A project with one skill of its own that replaces a user skill of the same name.
    func catalog(in folder: TemporaryFolder) throws -> SkillsCatalog {
        let home = folder.url.appendingPathComponent("home")
        for (base, description) in [(home.appendingPathComponent(".claude/skills/ship"), "The user's old way to ship."),
                                    (folder.url.appendingPathComponent(".claude/skills/ship"), "Ship this project to staging.")] {
            try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
            try Data("---\nname: ship\ndescription: \(description)\n---\n# Ship\nRun detect_stack first.\n".utf8)
                .write(to: base.appendingPathComponent("SKILL.md"))
        }
        return SkillsCatalog.discover(projectRoot: folder.url, home: home, layout: nil)
    }

    @Test func skillsPrintsTheSameReportAsTheCommand() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let skills = try catalog(in: folder)
        let harness = try REPLHarness([.line("/skills"), .line("/skills ship"), .line("/skills shp"), .endOfFile], skills: skills, folder: folder)
        await harness.repl.run()
        let output = harness.output.value
        for line in SkillsReport.list(skills).split(separator: "\n") {
            #expect(output.contains(line), "missing: \(line)")
        }
        #expect(output.contains("Ship this project to staging."))
        #expect(output.contains("Run detect_stack first."), "/skills NAME shows the body")
        #expect(output.contains("Did you mean ship?"))
    }
}
