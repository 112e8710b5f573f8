import ArgumentParser
import Deploy
import Foundation

extension DatabaseKind: ExpressibleByArgument {}

/// `deployotron compose [PATH]`: a docker-compose.yml for the app and the databases it needs.
struct ComposeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compose",
        abstract: "Generate a docker-compose.yml for a project (printed, or written with --write)."
    )

    @Argument(help: "The project folder (default: the current one).")
    var path: String = "."

    @Option(name: .customLong("database"), help: "A database to run beside the app: postgres, mysql, mongodb or redis (repeatable).")
    var databases: [DatabaseKind] = []

    @Option(help: "The host port to publish (default: the app's port).")
    var hostPort: Int?

    @Flag(help: "Write docker-compose.yml into the project instead of printing it.")
    var write = false

    @Flag(help: "With --write, replace a file that exists.")
    var force = false

    @Flag(help: "Print JSON, as the generate_compose tool returns.")
    var json = false

    func validate() throws {
        if let hostPort, !(1...65535).contains(hostPort) {
            throw ValidationError("--host-port \(hostPort) is not a port; give 1-65535")
        }
    }

    func run() async throws {
        try await run(Workspace.current(projectRoot: path))
    }

    func run(_ workspace: Workspace) async throws {
        let output = try GeneratorService().generateCompose(GenerateInput(path: workspace.projectRoot.path, write: write, overwrite: force, databases: databases, hostPort: hostPort))
        if json {
            workspace.console.out(try DeployJSON.string(output))
        } else if write {
            for file in output.files { workspace.console.out("Wrote \(file.path)") }
        } else {
            workspace.console.text(output.files[0].contents)
        }
    }
}
