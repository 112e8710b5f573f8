import Agent
import Foundation
import Synchronization
import Testing
@testable import Shell

/// `/doctor` prints the report the command that opened the REPL makes (the same as `deployotron doctor`).
@Suite(.timeLimit(.minutes(1))) struct DoctorREPLTests {
    static let report = """
        failure  anthropic-credentials  neither ANTHROPIC_API_KEY nor ANTHROPIC_AUTH_TOKEN is set → export ANTHROPIC_API_KEY=<your key>
        ok       ledger                 sqlite:/tmp/ledger.sqlite opens; its schema is current
        deployotron 0.1.0 (commit unknown, built 2026-12-03T00:00:00Z): 1 check this configuration needs failed.

        """

    func context(doctor: (@Sendable () async -> String)?) -> REPLContext {
        REPLContext(
            conversation: nil, model: "claude-sonnet-5", models: [], skills: SkillsCatalog(skills: []),
            projectRoot: URL(fileURLWithPath: "/tmp"), openLedger: nil, missingKeyMessage: "No API key.", doctor: doctor)
    }

    @Test func doctorPrintsEveryLineOfTheReport() async throws {
        let output = CapturedOutput()
        let asked = Counter()
        let repl = REPL(
            context: context { asked.increment(); return Self.report },
            reader: ScriptedLineReader([.line("/doctor"), .endOfFile]), terminal: output.terminal(), interrupts: InterruptSignal())
        await repl.run()
        #expect(asked.value == 1)
        for line in Self.report.split(separator: "\n") {
            #expect(output.value.contains(line + "\n"), "\(line)")
        }
    }

    @Test func withoutADoctorItSaysWhereToRunOne() async throws {
        let output = CapturedOutput()
        let repl = REPL(
            context: context(doctor: nil), reader: ScriptedLineReader([.line("/doctor"), .endOfFile]),
            terminal: output.terminal(), interrupts: InterruptSignal())
        await repl.run()
        #expect(output.value.contains("run `deployotron doctor`"))
    }

    @Test func doctorIsACommandHelpListsAndSuggestions() {
        #expect(SlashCommand.parse("/doctor") == .doctor)
        #expect(SlashCommand.parse("/docter") == .unknown(name: "docter", suggestion: "doctor"))
        #expect(SlashCommand.specs.contains { $0.name == "doctor" && !$0.needsModel })
    }
}

private final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}
