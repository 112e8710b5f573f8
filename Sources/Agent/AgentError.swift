/// Why the agent could not do what was asked.
public struct AgentError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// A tool breaks the registry's rules.
        case invalidTool
        /// A prompt template is missing or does not render.
        case prompt
        /// A transcript could not be written or read.
        case transcript
        /// Settings could not be read or written.
        case settings
        /// A path resolves outside the project directory (or cannot be resolved).
        case outsideProject
        /// A file tool could not do its work (missing file, not text, not writable).
        case file
        /// `send` was called while a turn was still running.
        case turnInProgress
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
