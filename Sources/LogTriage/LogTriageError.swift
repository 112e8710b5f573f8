import Foundation

/// What went wrong while reading or analysing a log; the message says what to do about it.
public struct LogTriageError: Error, Sendable, CustomStringConvertible {
    /// The kinds of failure, kept private so new ones can be added without breaking callers.
    enum Code: Sendable, Equatable {
        case unreadable(path: String, reason: String)
        case readFailed(reason: String)
        case badCatalogue(reason: String)
        case badPrompt(reason: String)
    }

    let code: Code

    init(_ code: Code) {
        self.code = code
    }

    static func unreadable(path: String, reason: String) -> LogTriageError {
        LogTriageError(.unreadable(path: path, reason: reason))
    }

    static func readFailed(_ reason: String) -> LogTriageError {
        LogTriageError(.readFailed(reason: reason))
    }

    static func badCatalogue(_ reason: String) -> LogTriageError {
        LogTriageError(.badCatalogue(reason: reason))
    }

    static func badPrompt(_ reason: String) -> LogTriageError {
        LogTriageError(.badPrompt(reason: reason))
    }

    public var description: String {
        switch code {
        case let .unreadable(path, reason):
            return "cannot read log file \(path): \(reason); check the path and its permissions"
        case let .readFailed(reason):
            return "reading the log failed: \(reason)"
        case let .badCatalogue(reason):
            return "the failure signature catalogue is invalid: \(reason); reinstall deployotron"
        case let .badPrompt(reason):
            return "the log diagnosis prompt is unusable: \(reason); check prompts/log-diagnosis.md"
        }
    }
}
