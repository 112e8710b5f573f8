import AWS
import ArgumentParser
import Deploy
import Foundation

/// `deployotron terraform --target s3-cloudfront|ecs [--out DIR] [PATH]`: the infrastructure a
/// deploy makes, as Terraform files the user can keep.
struct TerraformCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terraform",
        abstract: "Write main.tf, variables.tf and outputs.tf for the infrastructure a deploy target makes.",
        discussion: "The project's name, guid, port and region become the variables' defaults; secrets stay out (pass their ARNs in var.secrets)."
    )

    @Option(help: "What to describe: s3-cloudfront or ecs.")
    var target: String

    @Option(help: "The folder to write into (default: print the files).")
    var out: String?

    @Option(help: "The AWS region (default: AWS_REGION or the profile's, else us-east-1).")
    var region: String?

    @Flag(help: "With --out, replace files that exist.")
    var force = false

    @Argument(help: "The project folder (default: the current one).")
    var path: String = "."

    func validate() throws {
        guard TerraformGenerator.Target(rawValue: target) != nil else {
            throw ValidationError("--target must be one of \(TerraformGenerator.Target.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        try await run(Workspace.current(projectRoot: path))
    }

    func run(_ workspace: Workspace) async throws {
        guard let kind = TerraformGenerator.Target(rawValue: target) else { throw ValidationError("unknown --target \(target)") }
        let root = workspace.projectRoot
        let project = try workspace.project(of: root)
        let port = (try? StackDetector().detect(at: root).port) ?? 3000
        let chainRegion = try? AWSCredentialChain(environment: workspace.environment).region()
        let options = TerraformGenerator.Options(
            region: region ?? chainRegion ?? "us-east-1", projectGuid: project.guid, appName: project.name, port: port,
            size: ECSSettings(environment: workspace.environment).size)
        let files = TerraformGenerator().files(for: kind, options: options)
        guard let out else {
            for file in files {
                workspace.console.out("# --- \(file.path)")
                workspace.console.text(file.contents)
            }
            return
        }
        let folder = URL(fileURLWithPath: out, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in files {
            let url = folder.appendingPathComponent(file.path)
            if FileManager.default.fileExists(atPath: url.path) && !force {
                throw ValidationError("\(url.path) exists; pass --force to replace it")
            }
        }
        for file in files {
            try file.contents.write(to: folder.appendingPathComponent(file.path), atomically: true, encoding: .utf8)
            workspace.console.out("Wrote \(folder.appendingPathComponent(file.path).path)")
        }
    }
}
