import ArgumentParser
import Deploy
import Ledger

/// `--environment NAME`: the deploy environment a command acts on (`--env` sets the app's variables).
struct EnvironmentOption: ParsableArguments {
    @Option(
        name: .customLong("environment"),
        help: ArgumentHelp(
            "The deploy environment: staging, production or another name (default: DEPLOYOTRON_ENVIRONMENT, else the project's .deployotron/config.json \"environment\", else production).",
            valueName: "name"))
    var name: String?

    func validate() throws {
        guard let name else { return }
        do {
            _ = try DeployEnvironment.validated(name)
        } catch let error as DeployError {
            throw ValidationError(error.message)
        }
    }

    /// The environment named, else the workspace's default, checked.
    func resolved(in workspace: Workspace) throws -> String {
        do {
            return try DeployEnvironment.validated(name ?? workspace.defaultEnvironment)
        } catch let error as DeployError {
            throw CommandError("\(error.message) (from \(name == nil ? "DEPLOYOTRON_ENVIRONMENT or .deployotron/config.json" : "--environment"))")
        }
    }

    /// Fails when `record` is not in the environment named (nothing to check when none is).
    func check(_ record: DeploymentRecord) throws {
        guard let name, let named = try? DeployEnvironment.validated(name), named != record.environmentName else { return }
        throw CommandError("deployment \(record.id.prefix(8)) is in \(record.environmentName), not \(named); leave out --environment or give one of \(named)'s deployments")
    }
}
