import Foundation
import JSON
import Ledger

/// Named deploy environments (`staging`, `production`, ...). Each has its own history, live
/// version, lock and resources; production names things as deployotron did before environments,
/// so records and cloud resources from then stay production's.
public enum DeployEnvironment {
    public static let defaultName = DeploymentRecord.defaultEnvironment

    /// The name lowercased, or a one-line error saying what a name may be.
    public static func validated(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let allowed = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        guard (1...20).contains(name.count), name.first?.isLetter == true, !name.hasSuffix("-"), allowed else {
            throw DeployError(.invalidInput, "\"\(raw)\" is not an environment name: use 1 to 20 lowercase letters, digits and dashes, starting with a letter (staging, production, preview-2)")
        }
        return name
    }

    /// The name an environment's containers, images, services, log groups and records carry:
    /// the app's own in production, `<name>-<environment>` in any other.
    public static func scopedName(_ name: String, environment: String) -> String {
        environment == defaultName ? name : "\(name)-\(environment)"
    }

    /// The deploy lock's key: the project's guid in production, `<guid>#<environment>` elsewhere.
    public static func lockKey(projectId: String, environment: String) -> String {
        environment == defaultName ? projectId : "\(projectId)#\(environment)"
    }

    /// Resources as they are merged into the project's report: production's keys as they are,
    /// another environment's under `<environment>.<key>`, so no environment overwrites another's.
    public static func resourceKeys(_ resources: [String: JSONValue], environment: String) -> [String: JSONValue] {
        guard environment != defaultName else { return resources }
        return Dictionary(uniqueKeysWithValues: resources.map { ("\(environment).\($0.key)", $0.value) })
    }
}

extension DeploymentRecord {
    /// The key of the deploy lock this deployment takes.
    var lockKey: String { DeployEnvironment.lockKey(projectId: projectId, environment: environmentName) }
}
