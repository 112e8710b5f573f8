import Agent
import Testing
@testable import Shell

@Suite struct MarkdownRendererTests {
    let esc = "\u{1B}["

    @Test func withoutColourTheTextPassesThroughUnchanged() {
        var renderer = MarkdownRenderer(style: .plain)
        let text = "# Title\nSome **bold** and `code`.\n```swift\nlet x = 1\n```\n- item\n"
        var out = ""
        for character in text { out += renderer.append(String(character)) }
        out += renderer.finish()
        #expect(out == text)
    }

    @Test func textIsShownAsItArrivesAndItsLineRestyledOnceComplete() {
        var renderer = MarkdownRenderer(style: .ansi, width: 80)
        // Shown as it arrives, then that one line is rewritten styled once it is complete.
        #expect(renderer.append("Hello **wor") == "Hello **wor")
        let line = renderer.append("ld**!\nnext")
        #expect(line == "\r\(esc)2KHello \(esc)1mworld\(esc)0m!\nnext")
        #expect(renderer.finish() == "\n")
        #expect(renderer.finish() == "")
        // A complete line nobody saw yet is written styled at once.
        #expect(renderer.append("**a**\n") == "\(esc)1ma\(esc)0m\n")
    }

    @Test func aWrappedLineIsNotRewritten() {
        var renderer = MarkdownRenderer(style: .ansi, width: 10)
        #expect(renderer.append("a **long** line that wraps") == "a **long** line that wraps")
        #expect(renderer.append("\n") == "\n")
    }

    @Test func headingsListsAndInlineCode() {
        var renderer = MarkdownRenderer(style: .ansi)
        #expect(renderer.render(line: "## Deploy") == "\(esc)1;4mDeploy\(esc)0m")
        #expect(renderer.render(line: "- run `docker ps`") == "\(esc)34m•\(esc)0m run \(esc)36mdocker ps\(esc)0m")
        #expect(renderer.render(line: "2. then this") == "\(esc)34m2.\(esc)0m then this")
        #expect(renderer.render(line: "a ** not bold") == "a ** not bold")
        #expect(renderer.render(line: "unclosed `tick") == "unclosed `tick")
    }

    @Test func fencedCodeIsNotParsedAsMarkdown() {
        var renderer = MarkdownRenderer(style: .ansi)
        let out = renderer.append("```\n# not a heading\n- **not bold**\n```\n# heading\n")
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "\(esc)2m```\(esc)0m")
        #expect(lines[1] == "\(esc)36m# not a heading\(esc)0m")
        #expect(lines[2] == "\(esc)36m- **not bold**\(esc)0m")
        #expect(lines[3] == "\(esc)2m```\(esc)0m")
        #expect(lines[4] == "\(esc)1;4mheading\(esc)0m")
    }

    @Test func noColorTurnsStylesOff() {
        #expect(TerminalStyle.detect(environment: ["NO_COLOR": "1"], isTerminal: true) == .plain)
        #expect(TerminalStyle.detect(environment: [:], isTerminal: false) == .plain)
        #expect(TerminalStyle.detect(environment: ["TERM": "xterm"], isTerminal: true) == .ansi)
        #expect(TerminalStyle.plain.bold("x") == "x")
    }
}

@Suite struct TurnPrinterTests {
    @Test func aToolCallIsOneLineWithItsVerdictAndTime() {
        let output = CapturedOutput()
        let printer = TurnPrinter(terminal: output.terminal())
        printer.handle(.textDelta("Reading it."))
        printer.handle(.toolStarted(id: "t1", name: "read_file", summary: "Dockerfile"))
        printer.handle(.toolFinished(id: "t1", name: "read_file", isError: false, seconds: 0.24))
        printer.handle(.toolStarted(id: "t2", name: "deploy_local", summary: "."))
        printer.handle(.toolProgress(id: "t2", message: "building image"))
        printer.handle(.toolFinished(id: "t2", name: "deploy_local", isError: true, seconds: 75))
        printer.finish()
        let expected = [
            "Reading it.",
            "⏺ read_file Dockerfile … ok 0.2s",
            "⏺ deploy_local . … ",
            "  ⎿ building image",
            "⏺ deploy_local failed 1m15s",
        ]
        #expect(output.value == expected.joined(separator: "\n") + "\n")
    }
}

@Suite struct SlashCommandTests {
    @Test func parsing() {
        #expect(SlashCommand.parse("/help") == .help)
        #expect(SlashCommand.parse("  /model  claude-x ") == .model("claude-x"))
        #expect(SlashCommand.parse("/model") == .model(nil))
        #expect(SlashCommand.parse("/EXIT") == .exit)
        #expect(SlashCommand.parse("/skills deploy-node") == .skills("deploy-node"))
        #expect(SlashCommand.parse("deploy this") == nil)
        #expect(SlashCommand.parse("/") == nil)
        #expect(SlashCommand.parse("//not a command") == nil)
        #expect(SlashCommand.parse("/comapct") == .unknown(name: "comapct", suggestion: "compact"))
        #expect(SlashCommand.parse("/res") == .unknown(name: "res", suggestion: "resources"))
        #expect(SlashCommand.parse("/xyzzy") == .unknown(name: "xyzzy", suggestion: nil))
    }

    @Test func editDistance() {
        #expect(EditDistance.between("kitten", "sitting") == 3)
        #expect(EditDistance.between("", "abc") == 3)
        #expect(EditDistance.between("model", "model") == 0)
    }

    @Test func completionOfCommandsModelsAndSkills() {
        let completer = SlashCommandCompleter(models: ["claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5"], skills: { ["deploy-node", "deploy-python"] })
        #expect(completer.complete("/mo") == Completion(word: "/mo", candidates: ["/model"]))
        #expect(completer.complete("/mo").insertion == "del ")
        #expect(completer.complete("/c").candidates == ["/clear", "/compact", "/cost"])
        #expect(completer.complete("/c").insertion == "")
        #expect(completer.complete("/model claude-s").insertion == "onnet-4-5 ")
        #expect(completer.complete("/model claude-").insertion == "")
        #expect(completer.complete("/skills dep").insertion == "loy-")
        #expect(completer.complete("deploy").candidates.isEmpty)
        #expect(completer.complete("/cost x").candidates.isEmpty)
    }
}
