import ArgumentParser
import Deploy
import Foundation
import Ledger

/// `deployotron logs [ID]`: a deployment's logs (its container's, or its ECS service's in CloudWatch
/// Logs), or the excerpt the ledger kept; since a time, filtered, or followed until Ctrl-C.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Show a deployment's logs (its container's or CloudWatch's while it runs, else the excerpt kept when it ended).",
        discussion: """
            Secrets in the lines (keys, tokens, passwords) are masked. --follow keeps printing new lines \
            until Ctrl-C, then exits 130.
            """
    )

    @Argument(help: "The deployment id, or its first 8 characters (default: the project's current deployment, else its newest).")
    var deployment: String?

    @Option(help: "How many of the last lines to show.")
    var tail: Int = 100

    @Option(help: "Only lines since then: a duration back from now (30s, 10m, 2h, 1d) or a time (2026-12-03T21:00:00Z).")
    var since: String?

    @Option(help: ArgumentHelp("Only lines matching a CloudWatch Logs filter pattern: terms a line must all hold, \"a phrase\", ?either, -excluded.", valueName: "pattern"))
    var filter: String?

    @OptionGroup var deployEnvironment: EnvironmentOption

    @Flag(help: "Keep printing new lines until Ctrl-C.")
    var follow = false

    @Flag(help: "Print JSON, as the get_logs tool returns.")
    var json = false

    @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R].")
    var store: String?

    func validate() throws {
        guard tail > 0 else { throw ValidationError("--tail must be a positive number of lines") }
        if follow && json { throw ValidationError("--follow prints lines as they come; leave out --json") }
    }

    func run() async throws {
        try await run(Workspace.current(store: store))
    }

    func run(_ workspace: Workspace) async throws {
        let service = workspace.deploy
        let id = try await deploymentId(workspace)
        let input = LogsInput(deploymentId: id, tail: tail, since: since, filter: filter)
        guard follow else {
            let output = try await service.logs(input)
            if json {
                workspace.console.out(try DeployJSON.string(output))
            } else {
                for line in output.lines { workspace.console.out(line) }
                if let note = output.note { workspace.console.err("(\(note))") }
            }
            return
        }
        let out = workspace.console.out
        do {
            try await SignalCancellation.run {
                do {
                    try await service.followLogs(input) { line in out(line) }
                } catch where Task.isCancelled {
                    // Ctrl-C: whatever the interrupted call threw, the user asked to stop.
                    throw CancellationError()
                }
            }
        } catch is CancellationError {
            throw ExitCode(SignalCancellation.cancelledStatus)
        }
    }

    /// The id given, else the environment's current deployment, else its newest.
    func deploymentId(_ workspace: Workspace) async throws -> String {
        let service = workspace.deploy
        if let deployment {
            try deployEnvironment.check(try await service.deployment(matching: deployment))
            return deployment
        }
        let guid = try workspace.guid()
        let environment = try deployEnvironment.resolved(in: workspace)
        if let live = try await service.liveDeployment(projectId: guid, environment: environment) { return live.id }
        guard let newest = try await service.list(ListDeploymentsInput(projectId: guid, environmentName: environment)).deployments.first else {
            throw CommandError("no deployments of \(workspace.projectRoot.path) in \(environment) yet; run `deployotron deploy`, or give a deployment id")
        }
        return newest.id
    }
}
