import ArgumentParser
import Deploy
import Foundation
import Ledger
#if canImport(Glibc)
import Glibc
#endif

/// `deployotron remove ID`.
struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Take a deployment down and give its port back; its history stays."
    )

    @OptionGroup var arguments: DeploymentArguments

    @Flag(help: "Do not ask before deleting cloud resources (needed when there is no terminal to ask on).")
    var yes = false

    func validate() throws {
        try arguments.requireChoice()
    }

    func run() async throws {
        try await run(nil)
    }

    func run(_ workspace: Workspace?) async throws {
        let workspace = workspace ?? Workspace.current(store: arguments.store)
        let reference = try await arguments.reference(in: workspace)
        let record = try await workspace.deploy.deployment(matching: reference.deploymentId)
        if record.target != .local && !yes {
            let doomed = try await workspace.deploy.removalPreview(reference)
            if !doomed.isEmpty {
                let list = doomed.joined(separator: "; ")
                guard isatty(0) == 1 else {
                    throw CommandError("removing \(record.id.prefix(8)) deletes: \(list). Run again with --yes to confirm")
                }
                workspace.console.out("This deletes: \(list).")
                FileHandle.standardOutput.write(Data("Type yes to go on: ".utf8))
                guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                    throw CommandError("nothing was removed")
                }
            }
        }
        let service = workspace.deploy
        let summary = try await DeployCommand.cancellable { try await service.remove(reference) }
        workspace.console.out(arguments.json ? try DeployJSON.string(summary) : "\(summary.id.prefix(8)) is \(summary.status).")
    }
}
