import ArgumentParser
import Deploy
import Foundation
import Ledger

/// `deployotron deploy [PATH] --target local`: build, start and health-check the app.
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy a project: build its image, start it on a free port and wait until it is healthy.",
        discussion: "Needs a docker engine with the compose plugin. Set DEPLOYOTRON_DOCKER to use another docker executable."
    )

    enum Target: String, ExpressibleByArgument, CaseIterable {
        case local
        case s3CloudFront = "s3-cloudfront"
        case ecs
    }

    @Argument(help: "The project folder (default: the current one).")
    var path: String = "."

    @Option(help: "Where to deploy: local (s3-cloudfront and ecs come later).")
    var target: Target = .local

    @Option(help: "The image and container name (default: the folder's name).")
    var name: String?

    @Option(name: .customLong("database"), help: "A database to run beside the app: postgres, mysql, mongodb or redis (repeatable).")
    var databases: [DatabaseKind] = []

    @Option(name: .customLong("env"), help: "An environment variable for the app, KEY=VALUE (repeatable).")
    var environment: [String] = []

    @Flag(help: "Print the outcome as JSON instead of progress lines.")
    var json = false

    @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R].")
    var store: String?

    func validate() throws {
        guard target == .local else {
            throw ValidationError("--target \(target.rawValue) is not available yet; use --target local")
        }
        for pair in environment where !pair.contains("=") || pair.hasPrefix("=") {
            throw ValidationError("--env \(pair) is not KEY=VALUE")
        }
    }

    func run() async throws {
        let variables = Dictionary(environment.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }, uniquingKeysWith: { $1 })
        let service = try await Self.service(store: store)
        let outcome = try await service.deployLocal(
            DeployLocalInput(path: path, name: name, databases: databases, environment: variables),
            progress: json ? nil : Self.printProgress
        )
        if json {
            print(try DeployJSON.string(outcome))
        } else {
            print(outcome.message)
            if !outcome.prunedImages.isEmpty { print("Removed old images: \(outcome.prunedImages.joined(separator: ", "))") }
        }
    }

    /// Prints each step's start and progress as `[ 42%] build image (5/8): ...`.
    static let printProgress: ProgressHandler = { event in
        guard event.phase != .finished else { return }
        print(event.line)
    }

    /// The deploy service over the chosen ledger and the local docker engine.
    static func service(store: String?) async throws -> DeployService {
        let environment = ProcessInfo.processInfo.environment
        let ledger = try await LedgerLocation.resolve(flag: store, environment: environment).open(environment: environment)
        return DeployService.local(store: ledger, environment: environment)
    }
}
