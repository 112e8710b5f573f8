import Foundation
import Locations
import Testing
@testable import Agent

@Suite struct PromptLibraryTests {
    @Test func aProjectFileOverridesTheBundledPrompt() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        try files.write("bundled/system.md", "bundled {{name}}")
        try files.write("bundled/other.md", "other")
        try files.write("project/.deployotron/prompts/system.md", "project {{name}}")
        let library = PromptLibrary(bundled: files.url("bundled"), projectRoot: files.url("project"))
        #expect(try library.render("system.md", values: ["name": "x"]) == "project x")
        #expect(try library.template(named: "system.md").isOverride)
        #expect(try library.render("other.md", values: [:]) == "other")
        #expect(try !library.template(named: "other.md").isOverride)
        let bundledOnly = PromptLibrary(bundled: files.url("bundled"), projectRoot: nil)
        #expect(try bundledOnly.render("system.md", values: ["name": "x"]) == "bundled x")
    }

    @Test func valuesAreNotHTMLEscaped() throws {
        let text = try PromptLibrary.render(
            "{{a}} {{{a}}} {{#list}}[{{.}}]{{/list}}{{#flag}} yes{{/flag}}",
            values: ["a": "<b> & \"c\" 'd'", "list": ["<1>", "2 > 1"], "flag": true]
        )
        #expect(text == "<b> & \"c\" 'd' <b> & \"c\" 'd' [<1>][2 > 1] yes")
    }

    @Test func theSameValuesRenderTheSameBytes() throws {
        let template = "{{#items}}- {{name}}: {{description}}\n{{/items}}{{guid}}"
        let values: [String: Any] = ["items": [["name": "a", "description": "<x>"], ["name": "b", "description": "y"]], "guid": "g"]
        let first = try PromptLibrary.render(template, values: values)
        let second = try PromptLibrary.render(template, values: values)
        #expect(Data(first.utf8) == Data(second.utf8))
        #expect(first == "- a: <x>\n- b: y\ng")
    }

    @Test func aBrokenTemplateNamesItsFileAndLine() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        try files.write("bundled/system.md", "fine\n{{#open}}\nnever closed\n")
        let library = PromptLibrary(bundled: files.url("bundled"), projectRoot: nil)
        let error = try #require(throws: AgentError.self) { try library.render("system.md", values: [:]) }
        #expect(error.code == .prompt)
        #expect(error.description.contains("system.md"))
        #expect(error.description.contains("not valid Mustache"))
    }

    @Test func missingPromptsAndBadNamesAreClearErrors() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        let library = PromptLibrary(bundled: files.url("bundled"), projectRoot: files.url("project"), usesBuiltIn: false)
        let missing = try #require(throws: AgentError.self) { try library.template(named: "system.md") }
        #expect(missing.description.contains("no prompt system.md"))
        let noLayout = try #require(throws: AgentError.self) { try PromptLibrary(bundled: nil, projectRoot: nil, usesBuiltIn: false).template(named: "system.md") }
        #expect(noLayout.description.contains("DEPLOYOTRON_HOME"))
        let unknown = try #require(throws: AgentError.self) { try PromptLibrary(bundled: nil, projectRoot: nil).template(named: "never-shipped.md") }
        #expect(unknown.description.contains("built into deployotron"))
        try files.write("secret.md", "secret")
        #expect(throws: AgentError.self) { try library.template(named: "../secret.md") }
    }

    @Test func withoutAFileTheBuiltInPromptAnswers() throws {
        let files = try SkillTestFiles()
        defer { files.remove() }
        let shipped = try String(contentsOf: PromptSystemTests.checkout.prompts.appendingPathComponent("system.md"), encoding: .utf8)

        let noLayout = PromptLibrary.standard(projectRoot: files.url("project"), layout: nil)
        let builtIn = try noLayout.template(named: "system.md")
        #expect(builtIn.text == shipped)
        #expect(builtIn.isBuiltIn)
        #expect(!builtIn.isOverride)

        // An empty layout folder still falls back per file; a project file still wins over both.
        let emptyLayout = PromptLibrary(bundled: files.url("bundled"), projectRoot: files.url("project"))
        #expect(try emptyLayout.template(named: "system.md").isBuiltIn)
        try files.write("project/.deployotron/prompts/system.md", "project {{name}}")
        #expect(try noLayout.render("system.md", values: ["name": "x"]) == "project x")
        #expect(try !noLayout.template(named: "system.md").isBuiltIn)
    }
}
