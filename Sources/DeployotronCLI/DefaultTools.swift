import Agent
import Deploy
import DeployTools
import Foundation
import Ledger
import Locations
import LogTriage

/// The tools a session gives Claude, the same in the REPL and in one-shot mode: the project's files,
/// the skills, and deployotron's deploy services (detection, generators, local deploys, history,
/// rollback, logs, log triage, reported resources).
enum DefaultTools {
    static func registry(skills: SkillsCatalog, ledger: LazyLedger, projectGuid: String?, environment: [String: String]) throws -> ToolRegistry {
        let deploy = DeployToolset(
            service: DeployService.local(store: ledger, environment: environment),
            resources: ledger, projectGuid: projectGuid)
        return try ToolRegistry(FileTools.all + SkillTools(catalog: skills).tools + deploy.tools)
    }

    /// Scrubs every tool result before Claude, the history or the transcript sees it.
    static let redact: @Sendable (String) -> String = { [redactor = SecretRedactor()] text in redactor.redact(text) }

    /// The skills of the project: bundled, the user's and the project's own.
    static func skills(projectRoot: URL, environment: [String: String]) -> SkillsCatalog {
        SkillsCatalog.discover(
            projectRoot: projectRoot, home: UserDirectories(environment: environment).home,
            layout: InstallLayout.current(environment: environment))
    }
}
