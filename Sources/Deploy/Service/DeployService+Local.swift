import Foundation
import Ledger
import Locations

extension DeployService {
    /// The environment variable naming the docker executable (default: `docker` on PATH).
    public static let dockerVariable = "DEPLOYOTRON_DOCKER"

    /// A service deploying to the local docker engine, keeping each deployment's files under
    /// `$XDG_STATE_HOME/deployotron/deployments`.
    public static func local(store: any DeploymentStore, docker: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> DeployService {
        let executable = docker ?? environment[dockerVariable].flatMap { $0.isEmpty ? nil : $0 } ?? "docker"
        let target = LocalDockerTarget(
            docker: DockerCLI(executable: executable, runner: ProcessRunner(environment: environment)),
            workRoot: UserDirectories(environment: environment).state.appendingPathComponent("deployments", isDirectory: true)
        )
        return DeployService(store: store, target: target, git: ProcessRunner(environment: environment))
    }
}
