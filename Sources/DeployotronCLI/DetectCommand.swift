import ArgumentParser
import Deploy
import Foundation

/// `deployotron detect [PATH]`: what the app is and how it would be built and started.
struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Detect a project's language, framework, port and commands."
    )

    @Argument(help: "The project folder (default: the current one).")
    var path: String = "."

    @Flag(help: "Print JSON with snake_case keys, as the detect_stack tool returns.")
    var json = false

    func run() async throws {
        try await run(Workspace.current(projectRoot: path))
    }

    func run(_ workspace: Workspace) async throws {
        let stack = try StackDetector().detect(at: workspace.projectRoot)
        if json {
            workspace.console.out(try DeployJSON.string(stack))
            return
        }
        workspace.console.text(Self.render(stack))
    }

    static func render(_ stack: DetectedStack) -> String {
        var lines: [String] = []
        lines.append("Stack:      \(stack.language)" + (stack.framework.map { " / \($0)" } ?? "") + " (confidence \(stack.confidence))")
        if let appPath = stack.appPath { lines.append("App folder: \(appPath)") }
        if let manager = stack.packageManager { lines.append("Packages:   \(manager)") }
        lines.append("Port:       \(stack.port) (from \(stack.portSource))")
        if let build = stack.buildCommand { lines.append("Build:      \(build)") }
        if let start = stack.startCommand { lines.append("Start:      \(start)" + (stack.startSource.map { " (from \($0))" } ?? "")) }
        if let dockerfile = stack.dockerfile { lines.append("Dockerfile: \(dockerfile) (used as is)") }
        lines.append("Evidence:   " + stack.evidence.map { "\($0.kind) \($0.detail)" }.joined(separator: "; "))
        if !stack.candidates.isEmpty {
            lines.append("Also:       " + stack.candidates.map { "\($0.language)" + ($0.framework.map { "/\($0)" } ?? "") + " (\($0.confidence))" }.joined(separator: ", "))
        }
        if stack.monorepo {
            lines.append("Monorepo:   " + stack.apps.map { "\($0.path) (\($0.language)" + ($0.framework.map { "/\($0)" } ?? "") + ")" }.joined(separator: ", "))
        }
        for warning in stack.warnings { lines.append("Warning:    \(warning)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
