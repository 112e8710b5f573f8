import ArgumentParser
import Foundation

/// `deployotron doctor`: whether what this configuration needs works, before a session or a deploy
/// depends on it. One line per check; exit 1 when a needed check failed (see `Doctor`).
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the Anthropic key and API, the model, the ledger, the container engine, AWS, serve and the skills.",
        discussion: """
            Each check says ok, warning, failure or skipped, and what to do. A failure is something this \
            configuration needs: an Anthropic key and its API, the ledger, AWS credentials and region for a \
            DynamoDB ledger, the engine DOCKER_HOST or DEPLOYOTRON_DOCKER names, and serve at \
            DEPLOYOTRON_NOTIFY_URL when it is set. Exit status 1 when any check failed. Secrets are never printed.
            """
    )

    @Flag(help: "Print the report as JSON (version, checks with name, status, detail and fix, passed).")
    var json = false

    @Flag(help: "Do not call Anthropic's API or AWS STS.")
    var offline = false

    @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R].")
    var store: String?

    @Option(help: "The model to check (default: as a session would choose it).")
    var model: String?

    func run() async throws {
        try await run(Workspace.current(store: store, model: model))
    }

    func run(_ workspace: Workspace) async throws {
        let report = await Doctor(workspace: workspace, offline: offline).run()
        workspace.console.text(json ? report.json : report.text)
        if !report.passed { throw ExitCode(1) }
    }
}
