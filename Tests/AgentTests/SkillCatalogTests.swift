import Foundation
import Locations
import Testing
@testable import Agent

@Suite struct SkillCatalogTests {
    @Test func laterSourcesOverrideEarlierOnesInTheDocumentedOrder() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        let home = files.url("home")
        let project = files.url("project")
        // Each source defines `shared`; each also has a skill of its own.
        try files.skill("bundled", "shared", description: "from bundled")
        try files.skill("bundled", "only-bundled", description: "b")
        try files.skill("home/.claude/skills", "shared", description: "from ~/.claude")
        try files.skill("home/.agents/skills", "shared", description: "from ~/.agents")
        try files.skill("home/.agents/skills", "only-user", description: "u")
        try files.skill("project/.claude/skills", "shared", description: "from project .claude")
        try files.skill("project/.claude/skills", "rollback", description: "project rollback")
        try files.skill("project/.agents/skills", "shared", description: "from project .agents")

        let sources = SkillSource.standard(bundled: files.url("bundled"), home: home, projectRoot: project)
        #expect(sources.map(\.label) == ["bundled", "~/.claude/skills", "~/.agents/skills", ".claude/skills", ".agents/skills"])
        let catalog = SkillsCatalog.discover(sources)

        #expect(catalog.skills.map(\.name) == ["only-bundled", "only-user", "rollback", "shared"])
        #expect(catalog.skill(named: "shared")?.description == "from project .agents")
        #expect(catalog.skill(named: "shared")?.source.label == ".agents/skills")
        #expect(catalog.skill(named: "only-bundled")?.source.kind == .bundled)
        #expect(catalog.overridden.map(\.description) == ["from bundled", "from ~/.claude", "from ~/.agents", "from project .claude"])
    }

    @Test func removingTheLastSourceRevealsTheOneBeforeIt() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        try files.skill("home/.claude/skills", "deploy", description: "user's")
        let sources = SkillSource.standard(bundled: nil, home: files.url("home"), projectRoot: files.url("project"))
        #expect(SkillsCatalog.discover(sources).skill(named: "deploy")?.description == "user's")
        try files.skill("project/.claude/skills", "deploy", description: "project's")
        #expect(SkillsCatalog.discover(sources).skill(named: "deploy")?.description == "project's")
    }

    @Test func theFrontmatterNameDecidesWhatIsOverridden() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        try files.skill("a", "deploy", description: "first")
        try files.skill("b", "my-deploy", name: "deploy", description: "second")
        let catalog = SkillsCatalog.discover([
            SkillSource(kind: .user, directory: files.url("a"), label: "a"),
            SkillSource(kind: .project, directory: files.url("b"), label: "b"),
        ])
        #expect(catalog.skills.count == 1)
        let skill = try #require(catalog.skill(named: "deploy"))
        #expect(skill.description == "second")
        #expect(skill.problems == ["name 'deploy' does not match its folder 'my-deploy'"])
    }

    @Test func foldersWithoutASkillFileHiddenFoldersAndMissingSourcesAreSkipped() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        try files.write("s/notes/README.md", "not a skill")
        try files.skill("s", ".hidden", description: "hidden")
        try files.write("s/loose-file.md", "---\nname: loose\n---\n")
        try files.write("s/lower/skill.md", "---\nname: lower\ndescription: lowercase file name\n---\nBody")
        let catalog = SkillsCatalog.discover([
            SkillSource(kind: .user, directory: files.url("missing"), label: "missing"),
            SkillSource(kind: .user, directory: files.url("s"), label: "s"),
        ])
        #expect(catalog.skills.map(\.name) == ["lower"])
        #expect(catalog.problems.isEmpty)
    }

    @Test func aSymlinkedSkillFolderIsDiscovered() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        try files.skill("elsewhere", "linked", description: "installed by symlink")
        try FileManager.default.createDirectory(at: files.url("s"), withIntermediateDirectories: true)
        try files.symlink("s/linked", to: files.url("elsewhere/linked").path)
        let catalog = SkillsCatalog.discover([SkillSource(kind: .user, directory: files.url("s"), label: "s")])
        #expect(catalog.skill(named: "linked")?.description == "installed by symlink")
    }

    @Test func anUnreadableSkillFileIsReportedByTheCatalog() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        try FileManager.default.createDirectory(at: files.url("s/broken/SKILL.md"), withIntermediateDirectories: true)
        try files.skill("s", "fine", description: "ok")
        let catalog = SkillsCatalog.discover([SkillSource(kind: .user, directory: files.url("s"), label: "s")])
        #expect(catalog.skills.map(\.name) == ["fine"])
        #expect(catalog.problems.count == 1)
        #expect(catalog.problems.first?.contains("broken/SKILL.md") == true)
    }

    @Test func theProjectIsNotReadTwiceWhenItIsTheHomeFolder() throws {
        let home = URL(fileURLWithPath: "/home/ann")
        let sources = SkillSource.standard(bundled: nil, home: home, projectRoot: home)
        #expect(sources.map(\.label) == ["~/.claude/skills", "~/.agents/skills"])
    }

    @Test func theBundledSkillsLoadWithoutProblems() throws {
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let layout = InstallLayout(root: checkout)
        let catalog = SkillsCatalog.discover([SkillSource(kind: .bundled, directory: layout.skills, label: "bundled")])
        #expect(catalog.skills.map(\.name) == ["1-click-deploy", "log-troubleshooting", "rollback"])
        for skill in catalog.skills {
            #expect(skill.problems.isEmpty, "\(skill.name): \(skill.problems)")
            #expect(skill.description.count > 100)
        }
        let files = SkillFolder(url: try #require(catalog.skill(named: "1-click-deploy")).folder).files()
        #expect(files == ["aws-deployment-checklist.md", "full-stack.md", "static-site.md"])
    }

    @Test func withoutALayoutTheBuiltInSkillsAreBundledAndReadLikeFiles() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try files.skill("home/.claude/skills", "rollback", description: "The user's rollback.")

        let catalog = SkillsCatalog.discover(projectRoot: files.url("project"), home: files.url("home"), layout: nil)
        #expect(catalog.skills.map(\.name) == ["1-click-deploy", "log-troubleshooting", "rollback"])
        #expect(catalog.problems.isEmpty)
        let deploy = try #require(catalog.skill(named: "1-click-deploy"))
        #expect(deploy.source.kind == .bundled)
        #expect(deploy.source.label == "bundled")
        #expect(deploy.problems.isEmpty, "\(deploy.problems)")
        #expect(catalog.skill(named: "rollback")?.description == "The user's rollback.")
        #expect(catalog.overridden.map(\.source.label) == ["bundled"])

        let folder = SkillFolder(url: deploy.folder)
        #expect(folder.files() == ["aws-deployment-checklist.md", "full-stack.md", "static-site.md"])
        let read = folder.read("./full-stack.md")
        #expect(!read.isError)
        #expect(read.text == (try String(contentsOf: checkout.appendingPathComponent("skills/1-click-deploy/full-stack.md"), encoding: .utf8)))
        #expect(folder.read("../rollback/SKILL.md").isError)
        #expect(folder.read("/etc/passwd").isError)
        #expect(folder.read("nope.md").text.contains("its files: aws-deployment-checklist.md"))
    }

    @Test func theReportListsNameSourceDescriptionAndProblems() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        try files.skill("a", "deploy", description: "Deploys things.")
        try files.write("b/Bad Name/SKILL.md", "No frontmatter here.\n")
        try files.skill("b", "deploy", description: "Project deploy.")
        let catalog = SkillsCatalog.discover([
            SkillSource(kind: .user, directory: files.url("a"), label: "~/.claude/skills"),
            SkillSource(kind: .project, directory: files.url("b"), label: ".claude/skills"),
        ])
        let report = SkillsReport.list(catalog)
        #expect(report.contains("deploy  [.claude/skills]\n  Project deploy.\n"))
        #expect(report.contains("Bad Name  [.claude/skills]\n  No frontmatter here.\n  warning: name 'Bad Name' breaks the format"))
        #expect(report.contains("Replaced by a later source of the same name:\n  deploy  [~/.claude/skills]"))

        let shown = SkillsReport.show(try #require(catalog.skill(named: "deploy")))
        #expect(shown.hasPrefix("name: deploy\nsource: .claude/skills\n"))
        #expect(shown.hasSuffix("\nBody.\n"))
        #expect(SkillsReport.list(SkillsCatalog(skills: [])).hasPrefix("No skills found."))
    }
}
