import ArgumentParser
import Deploy
import Foundation

/// `deployotron dockerfile [PATH]`: the Dockerfile and .dockerignore deployotron would build with.
struct DockerfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dockerfile",
        abstract: "Generate a Dockerfile and .dockerignore for a project (printed, or written with --write)."
    )

    @Argument(help: "The project folder (default: the current one).")
    var path: String = "."

    @Flag(help: "Write the files into the project instead of printing them.")
    var write = false

    @Flag(help: "With --write, replace files that exist.")
    var force = false

    @Flag(help: "Print JSON, as the generate_dockerfile tool returns.")
    var json = false

    func run() async throws {
        try await run(Workspace.current(projectRoot: path))
    }

    func run(_ workspace: Workspace) async throws {
        let output = try GeneratorService().generateDockerfile(GenerateInput(path: workspace.projectRoot.path, write: write, overwrite: force))
        if json {
            workspace.console.out(try DeployJSON.string(output))
        } else if write {
            for file in output.files { workspace.console.out("Wrote \(file.path)") }
        } else {
            workspace.console.text(output.files[0].contents)
        }
    }
}
