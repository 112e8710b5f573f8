import Agent
import ArgumentParser
import Claude
import Foundation
import LogTriage
#if canImport(Glibc)
import Glibc
#endif

/// `deployotron analyze [FILE|-]`: local log triage, with a diagnosis from Claude when a key is set.
struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Triage a build or deploy log: known failures, key lines, and a diagnosis from Claude.",
        discussion: """
            Reads the log once, in constant memory, from FILE or standard input. Without an API key \
            (or with --offline) it prints the known failures it recognised with their fixes, the key \
            lines and a summary. With ANTHROPIC_API_KEY set it sends a redacted excerpt of the log to \
            Claude and streams back the Error, its Cause and the Fix. Tokens are estimated at four \
            characters each.
            """
    )

    @Argument(help: "The log file, or - for standard input.")
    var file: String = "-"

    @Flag(help: "Do not call Claude, even when an API key is set.")
    var offline = false

    @Flag(help: "Print everything as one JSON object.")
    var json = false

    @Flag(help: "Print exactly the log excerpt that would be sent to Claude, and nothing else.")
    var excerpt = false

    @Flag(help: "Print the template table: id, count, pattern.")
    var templates = false

    @Flag(name: .customLong("per-line"), help: "Print one template id per input line, in order.")
    var perLine = false

    @Option(help: "The excerpt's budget in estimated tokens (a ceiling: most excerpts stay far below it).")
    var budget: Int = 8_000

    @Option(help: "The Claude model for the diagnosis.")
    var model: String?

    func validate() throws {
        let modes = [json, excerpt, templates, perLine].filter { $0 }.count
        if modes > 1 {
            throw ValidationError("choose one of --json, --excerpt, --templates and --per-line")
        }
        if budget < 200 || budget > 200_000 {
            throw ValidationError("--budget \(budget) is out of range; give 200 to 200000 tokens")
        }
        if file == "-" && isatty(0) == 1 {
            throw ValidationError("no log given: pass a file (deployotron analyze build.log) or pipe one in (... | deployotron analyze -)")
        }
    }

    func run() async throws {
        var options = LogAnalysisOptions(tokenBudget: budget)
        if templates { options.templateLimit = nil }
        let analyzer = try LogAnalyzer(options: options)
        let source: LogSource = file == "-" ? .standardInput : .file(URL(fileURLWithPath: file))

        if perLine {
            var out = BufferedOutput()
            _ = try analyzer.analyze(source) { _, template in out.write("\(template)\n") }
            out.flush()
            return
        }
        let analysis = try analyzer.analyze(source)
        if excerpt {
            print(analysis.excerpt, terminator: analysis.excerpt.hasSuffix("\n") ? "" : "\n")
            return
        }
        if templates {
            print("id\tcount\tpattern")
            for template in analysis.templates { print("\(template.id)\t\(template.count)\t\(template.pattern)") }
            return
        }

        let claude = offline ? nil : try? ClaudeConfiguration(modelFlag: model)
        if json {
            var diagnosis: String? = nil
            if let claude { diagnosis = try await diagnose(analysis, with: claude, streaming: false) }
            print(try Self.jsonText(analysis, diagnosis: diagnosis))
            return
        }
        printOffline(analysis, diagnosing: claude != nil)
        if let claude {
            print("")
            _ = try await diagnose(analysis, with: claude, streaming: true)
        } else if !offline {
            print("\n(offline: set ANTHROPIC_API_KEY for a diagnosis by Claude)")
        }
    }

    // MARK: - Claude

    /// Asks Claude for a diagnosis (`LogDiagnosis`, with `prompts/log-diagnosis.md` or the project's
    /// override); streams the answer to standard output when `streaming`, and returns it.
    private func diagnose(_ analysis: LogAnalysis, with configuration: ClaudeConfiguration, streaming: Bool) async throws -> String {
        let projectRoot = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        let diagnosis = try LogDiagnosis(library: .standard(projectRoot: projectRoot), analysis: analysis)
        fflush(nil)  // what print() buffered goes out before the streamed answer
        let answer = try await diagnosis.run(client: ClaudeClient(configuration: configuration), model: configuration.model) { event in
            guard streaming else { return }
            switch event {
            case .textDelta(let text):
                FileHandle.standardOutput.write(Data(text.utf8))
            case .retrying(let attempt, let delay, _):
                FileHandle.standardError.write(Data("(Claude is busy; retry \(attempt) in \(Int(delay.rounded()))s)\n".utf8))
            default:
                break
            }
        }
        if streaming { print("") }
        return answer
    }

    // MARK: - Output

    private func printOffline(_ analysis: LogAnalysis, diagnosing: Bool) {
        let name = file == "-" ? "standard input" : file
        print("\(name): \(analysis.lineCount) lines, \(analysis.byteCount) bytes, \(analysis.templateCount) templates")
        if analysis.signatures.isEmpty {
            print("\nNo known failure recognised.")
        } else {
            print("\nKnown failures:")
            for hit in analysis.signatures {
                let lines = hit.lines.prefix(3).map(String.init).joined(separator: ", ")
                print("  ✗ \(hit.title) (line \(lines)\(hit.count > 1 ? ", ×\(hit.count)" : ""))")
                print("      \(hit.example)")
                print("      fix: \(hit.hint)")
            }
        }
        if !diagnosing, !analysis.keyLines.isEmpty {
            print("\nKey lines:")
            let width = String(analysis.keyLines.last?.line ?? 0).count
            for line in analysis.keyLines {
                let number = String(line.line)
                print("  \(String(repeating: " ", count: max(0, width - number.count)))\(number): \(line.text)")
            }
        }
        print("\nSummary: \(analysis.summary)")
    }

    static func jsonText(_ analysis: LogAnalysis, diagnosis: String?) throws -> String {
        let encoded = try JSONEncoder().encode(analysis)
        guard var object = try JSONSerialization.jsonObject(with: encoded) as? [String: Any] else { return "{}" }
        object["diagnosis"] = diagnosis ?? NSNull()
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

/// Standard output written in large pieces (for `--per-line` on logs of millions of lines).
private struct BufferedOutput {
    private var buffer: [UInt8] = []

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { FileHandle.standardOutput.write(Data($0)) }
        buffer.removeAll(keepingCapacity: true)
    }
}
