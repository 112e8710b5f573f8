import Foundation
import Testing
@testable import Agent

@Suite struct SkillFrontmatterTests {
    let source = SkillSource(kind: .project, directory: URL(fileURLWithPath: "/p/.claude/skills"), label: ".claude/skills")

    func parse(_ text: String, folder: String = "deploy-site") -> Skill {
        Skill.parse(text, folder: URL(fileURLWithPath: "/p/.claude/skills/\(folder)"), source: source)
    }

    @Test func readsTheFieldsOfWellFormedFrontmatter() {
        let skill = parse("""
            ---
            name: deploy-site
            description: Deploys the site.
            allowed-tools: Read, Grep, Bash(git add:*)
            metadata:
              author: ann
              version: 2
            ---

            # Deploy

            Steps.
            """)
        #expect(skill.name == "deploy-site")
        #expect(skill.description == "Deploys the site.")
        #expect(skill.allowedTools == ["Read", "Grep", "Bash(git add:*)"])
        #expect(skill.metadata == ["author": "ann", "version": "2"])
        #expect(skill.body == "# Deploy\n\nSteps.")
        #expect(skill.problems.isEmpty)
    }

    @Test func withoutFrontmatterTheFolderNamesItAndTheFirstParagraphDescribesIt() {
        let skill = parse("# Deploy site\n\nBuilds the site\nand uploads it.\n\nMore details.\n")
        #expect(skill.name == "deploy-site")
        #expect(skill.description == "Builds the site and uploads it.")
        #expect(skill.body.hasPrefix("# Deploy site"))
        #expect(skill.problems.isEmpty)
    }

    @Test func malformedYAMLStillLoadsTheBodyWithAWarning() {
        let skill = parse("""
            ---
            name: deploy-site
            description: Use when: the user asks to deploy
              - broken: [
            ---
            The body survives.
            """)
        #expect(skill.body == "The body survives.")
        #expect(skill.name == "deploy-site")
        #expect(skill.description == "Use when: the user asks to deploy")
        #expect(skill.problems.contains { $0.contains("not valid YAML") })
    }

    @Test func numbersAndListsWhereTextIsExpectedAreCoercedOrReported() {
        let skill = parse("""
            ---
            name: 2024
            description:
              - Deploys
              - the site
            allowed-tools: [Read, 7]
            metadata:
              version: 1.10
              flags: [a, b]
              nested: {x: 1}
            ---
            Body.
            """, folder: "2024")
        #expect(skill.name == "2024")
        #expect(skill.description == "Deploys the site")
        #expect(skill.allowedTools == ["Read", "7"])
        #expect(skill.metadata == ["version": "1.10", "flags": "a, b"])
        #expect(skill.problems.contains { $0.contains("description is a list") })
        #expect(skill.problems.contains { $0.contains("metadata nested") })
        #expect(!skill.problems.contains { $0.contains("name") })
    }

    @Test func aMapForANameFallsBackToTheFolderWithAProblem() {
        let skill = parse("---\nname: {first: a}\ndescription: x\n---\nBody")
        #expect(skill.name == "deploy-site")
        #expect(skill.problems.contains { $0.contains("name is a map") })
    }

    @Test func badNamesAreReportedNotDropped() {
        let upper = parse("---\nname: Deploy_Site\ndescription: x\n---\nBody")
        #expect(upper.name == "Deploy_Site")
        #expect(upper.problems.contains { $0.contains("lowercase letters, digits and hyphens") })
        #expect(upper.problems.contains { $0.contains("does not match its folder 'deploy-site'") })

        let long = String(repeating: "a", count: 65)
        let longSkill = parse("---\nname: \(long)\ndescription: x\n---\nBody", folder: long)
        #expect(longSkill.problems == ["name is 65 characters; the format allows at most 64"])

        let hyphens = parse("---\nname: -deploy--site\ndescription: x\n---\nBody", folder: "-deploy--site")
        #expect(hyphens.problems.count == 1)
        #expect(hyphens.problems.first?.contains("hyphens go between") == true)
    }

    @Test func anOverLongDescriptionIsKeptAndReported() {
        let description = String(repeating: "word ", count: 300).trimmingCharacters(in: .whitespaces)
        let skill = parse("---\nname: deploy-site\ndescription: \(description)\n---\nBody")
        #expect(skill.description == description)
        #expect(skill.problems == ["description is 1499 characters; the format allows at most 1,024 (listings shorten it)"])
    }

    @Test func angleBracketsInTheDescriptionSurviveAsWritten() {
        let skill = parse("---\nname: deploy-site\ndescription: \"Use for <static> sites & SPAs > 1 page\"\n---\nBody")
        #expect(skill.description == "Use for <static> sites & SPAs > 1 page")
    }

    @Test func quotedNullIsTextButPlainNullIsMissing() {
        let quoted = parse("---\nname: deploy-site\ndescription: 'null'\n---\nBody")
        #expect(quoted.description == "null")
        let plain = parse("---\nname: deploy-site\ndescription: ~\n---\nFirst paragraph.")
        #expect(plain.description == "First paragraph.")
        #expect(plain.problems == ["no description in the frontmatter; using the first paragraph"])
    }

    @Test func unclosedFrontmatterIsAllBody() {
        let skill = parse("---\nname: x\n\nNo end.")
        #expect(skill.name == "deploy-site")
        #expect(skill.body == "---\nname: x\n\nNo end.")
        #expect(skill.problems.contains { $0.contains("never closes") })
    }

    @Test func windowsLineEndingsAndAByteOrderMarkAreRead() {
        let skill = parse("\u{FEFF}---\r\nname: deploy-site\r\ndescription: Deploys.\r\n---\r\nBody\r\n")
        #expect(skill.description == "Deploys.")
        #expect(skill.body == "Body\n")
        #expect(skill.problems.isEmpty)
    }

    @Test func frontmatterThatIsNotAMapIsIgnoredWithAProblem() {
        let skill = parse("---\n- a\n- b\n---\nThe description.")
        #expect(skill.name == "deploy-site")
        #expect(skill.description == "The description.")
        #expect(skill.problems.contains { $0.contains("not a list of key: value pairs") })
    }
}
