import Foundation
import Ledger

/// What the steps of one deploy share: the deployment being made and what each step found.
public struct DeployState: Sendable {
    public var deployment: DeploymentRecord
    /// The folder holding the app (the detected app folder, not always the project root).
    public var appFolder: URL
    /// Set by the detect step (or read from an earlier deployment's plan for rollbacks).
    public var stack: DetectedStack?
    public var databases: [DatabaseKind]
    public var environment: [String: String]
    /// False for a rollback: the image exists already.
    public var build: Bool
    /// The app's deployment that was live when the lock was taken: it keeps serving if this one
    /// fails, and is taken out of service when this one is live.
    public var previous: DeploymentRecord?
    /// Build and container output kept for the ledger's log excerpt.
    public var logLines: [String] = []
    public var containerId: String?
    /// What has been done so far, for the clean-up after a failure.
    public var holdsLock = false
    public var holdsPort = false
    public var filesWritten = false
    public var startedContainers = false
    /// The new app container replaced the previous one in place (compose), so undoing this attempt
    /// means starting the previous one again.
    public var replacedInPlace = false
    /// What a target's steps hand to later steps and to its clean-up (a distribution id, the
    /// origin path to go back to, an uploaded release).
    public var targetNotes: [String: String] = [:]

    public init(deployment: DeploymentRecord, appFolder: URL, stack: DetectedStack?, databases: [DatabaseKind], environment: [String: String], build: Bool, previous: DeploymentRecord?) {
        self.deployment = deployment
        self.appFolder = appFolder
        self.stack = stack
        self.databases = databases
        self.environment = environment
        self.build = build
        self.previous = previous
    }

    /// The detected stack; steps after detection call this.
    public func requireStack() throws -> DetectedStack {
        guard let stack else { throw DeployError(.invalidState, "the stack of deployment \(deployment.id) is not known yet") }
        return stack
    }

    /// The last `count` lines of output, for the ledger.
    public func excerpt(_ count: Int = 40) -> String? {
        logLines.isEmpty ? nil : logLines.suffix(count).joined(separator: "\n")
    }
}

/// What a deploy needs to be repeated later from its image alone: rollbacks read it back.
public struct DeploymentPlan: Sendable, Codable, Equatable {
    public var deploymentId: String
    public var stack: DetectedStack
    public var databases: [DatabaseKind]
    /// Environment variable names and values the user passed (never read back into logs).
    public var environment: [String: String]
    public var appFolder: String

    public init(deploymentId: String, stack: DetectedStack, databases: [DatabaseKind], environment: [String: String], appFolder: String) {
        self.deploymentId = deploymentId
        self.stack = stack
        self.databases = databases
        self.environment = environment
        self.appFolder = appFolder
    }

    enum CodingKeys: String, CodingKey {
        case stack, databases, environment
        case deploymentId = "deployment_id"
        case appFolder = "app_folder"
    }
}
