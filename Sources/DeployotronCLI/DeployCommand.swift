import ArgumentParser
import Deploy
import Foundation
import Ledger

/// `deployotron deploy [PATH] --target local`: build, start and health-check the app.
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy a project: build its image, start it on a free port and wait until it is healthy.",
        discussion: """
            Needs a container engine the docker CLI can talk to (Docker, or podman's Docker-compatible \
            service), and compose only when a database is asked for. Set DEPLOYOTRON_DOCKER to use another \
            docker executable. Ctrl-C (or SIGTERM) stops the deploy and undoes what it started; the version \
            that was live keeps serving.
            """
    )

    enum Target: String, ExpressibleByArgument, CaseIterable {
        case local
        case s3CloudFront = "s3-cloudfront"
        case ecs
    }

    @Argument(help: "The project folder (default: the current one); with --git, the project the deploy is filed under.")
    var path: String = "."

    @Option(help: "Where to deploy: local (a container on this machine's engine) or s3-cloudfront (a static site on AWS) or ecs (a Fargate service on AWS).")
    var target: Target = .local

    @Option(help: "The image and container name (default: the folder's name).")
    var name: String?

    @Option(name: .customLong("database"), help: "A database to run beside the app: postgres, mysql, mongodb or redis (repeatable).")
    var databases: [DatabaseKind] = []

    @Option(name: .customLong("env"), help: "An environment variable for the app, KEY=VALUE (repeatable).")
    var environment: [String] = []

    @Option(name: .customLong("build-command"), help: "s3-cloudfront: the command that builds the site (default: the detected one).")
    var buildCommand: String?

    @Option(name: .customLong("out"), help: ArgumentHelp("s3-cloudfront: the folder the build writes the site to, inside the project (default: dist, build, out, public... whichever holds index.html).", valueName: "dir"))
    var outputFolder: String?

    @Option(help: ArgumentHelp("Deploy this git repository instead of the folder (fetched shallowly into a temporary folder, removed afterwards).", valueName: "url"))
    var git: String?

    @Option(help: ArgumentHelp("With --git: the branch, tag or commit to deploy (default: the repository's default branch).", valueName: "ref"))
    var ref: String?

    @OptionGroup var deployEnvironment: EnvironmentOption

    @Flag(help: "Print the outcome as JSON instead of progress lines.")
    var json = false

    @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R].")
    var store: String?

    func validate() throws {
        if target == .s3CloudFront, !databases.isEmpty {
            throw ValidationError("--database goes with --target local; a static site on S3 + CloudFront has no database")
        }
        if target == .ecs, !databases.isEmpty {
            throw ValidationError("--database goes with --target local; on ECS use a managed database and pass its URL with --env")
        }
        if target != .s3CloudFront, buildCommand != nil || outputFolder != nil {
            throw ValidationError("--build-command and --out go with --target s3-cloudfront")
        }
        if ref != nil, git == nil {
            throw ValidationError("--ref goes with --git URL: a local folder deploys what is checked out")
        }
        for pair in environment where !pair.contains("=") || pair.hasPrefix("=") {
            throw ValidationError("--env \(pair) is not KEY=VALUE")
        }
    }

    func run() async throws {
        try await run(Workspace.current(projectRoot: path, store: store))
    }

    func run(_ workspace: Workspace) async throws {
        let variables = Dictionary(environment.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }, uniquingKeysWith: { $1 })
        let service = workspace.deploy
        let input = DeployLocalInput(
            path: workspace.projectRoot.path, name: name, projectId: try workspace.guid(), databases: databases, environment: variables,
            buildCommand: buildCommand, outputFolder: outputFolder, git: git, ref: ref,
            environmentName: try deployEnvironment.resolved(in: workspace))
        let progress = json ? nil : Self.progressPrinter(workspace.console)
        let kind: DeployTargetKind = switch target {
        case .local: .local
        case .s3CloudFront: .s3CloudFront
        case .ecs: .ecs
        }
        let outcome = try await Self.cancellable { try await service.deploy(input, to: kind, progress: progress) }
        if json {
            workspace.console.out(try DeployJSON.string(outcome))
        } else {
            workspace.console.out(outcome.message)
            if !outcome.prunedImages.isEmpty { workspace.console.out("Removed old images: \(outcome.prunedImages.joined(separator: ", "))") }
        }
    }

    /// Prints each step's start and progress as `[ 42%] build image (5/8): ...`.
    static func progressPrinter(_ console: Console) -> ProgressHandler {
        { event in
            guard event.phase != .finished else { return }
            console.out(event.line)
        }
    }

    /// Runs deploy work under SIGINT/SIGTERM cancellation; a cancelled deploy exits 130 after
    /// saying what it undid.
    static func cancellable<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await SignalCancellation.run(work)
        } catch let error as DeployError where error.code == .cancelled {
            FileHandle.standardError.write(Data("Error: \(error.message)\n".utf8))
            throw ExitCode(SignalCancellation.cancelledStatus)
        }
    }
}
