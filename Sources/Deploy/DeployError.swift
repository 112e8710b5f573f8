import Foundation

/// Why a deploy service could not do what was asked, in words a user can act on.
public struct DeployError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable, Codable {
        /// The path is missing or holds no app deployotron recognises.
        case noStack = "no_stack"
        /// A file (override, Dockerfile) could not be read or understood.
        case invalidInput = "invalid_input"
        /// A template is missing or failed to render.
        case template
        /// Writing generated files would overwrite something the user asked to keep.
        case fileExists = "file_exists"
        /// Another deploy of the same project holds the lock.
        case locked
        /// The docker CLI failed or could not be run.
        case docker
        /// The new version did not become healthy.
        case unhealthy
        /// No deployment has this id, or it is in a state that does not allow the action.
        case notFound = "not_found"
        case invalidState = "invalid_state"
        /// A rollback target's image is gone.
        case imageMissing = "image_missing"
        /// The ledger failed.
        case ledger
        /// A process ran longer than allowed.
        case timeout
        /// The target is not implemented yet.
        case unsupportedTarget = "unsupported_target"
        /// Something the deploy needs is missing (no engine answering, no compose); nothing was started.
        case preflight
        /// The app's build command failed.
        case build
        /// An AWS call failed (access denied, an expired token, a name owned by another account).
        case aws
        /// The source could not be fetched (a git URL, branch, tag or commit).
        case source
        /// The user cancelled it (Ctrl-C, SIGTERM, a cancel request); what it started was undone.
        case cancelled
    }

    public var code: Code
    public var message: String
    /// The workflow step that failed, when one did.
    public var step: String?

    public init(_ code: Code, _ message: String, step: String? = nil) {
        self.code = code
        self.message = message
        self.step = step
    }

    public var description: String { message }
}
