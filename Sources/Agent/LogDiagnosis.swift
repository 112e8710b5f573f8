import Claude
import Foundation
import LogTriage

/// Asks Claude what went wrong in a failed build or deploy log: the Error, its Cause and the Fix.
///
/// The system prompt is the `log-diagnosis.md` template (bundled, or the project's override) with
/// LogTriage's analysis filled in: `{{excerpt}}`, `{{summary}}` and `{{signatures}}` are replaced
/// as plain text, the excerpt last, so a placeholder written in the log itself is never expanded.
/// What comes from the log is redacted once more before it leaves the machine.
public struct LogDiagnosis: Sendable, Equatable {
    public static let templateName = "log-diagnosis.md"
    /// The placeholder a template must contain.
    public static let excerptPlaceholder = "{{excerpt}}"
    /// The user message of the request.
    public static let question = "Diagnose this failed build or deploy log: give the Error, its Cause and the Fix."
    /// The answer's budget.
    public static let maxTokens = 1_500

    public var system: String
    public var userMessage: String

    /// The prompt from `template`; fails when it has no `{{excerpt}}`.
    public init(template: String, analysis: LogAnalysis, redactor: SecretRedactor = SecretRedactor()) throws {
        guard template.contains(Self.excerptPlaceholder) else {
            throw AgentError(.prompt, "the \(Self.templateName) prompt has no \(Self.excerptPlaceholder) placeholder; add it or delete the override")
        }
        // Only what came from the log is redacted: a pass over the instructions once read
        // "pass: a command" as a password.
        let filled = template
            .replacingOccurrences(of: "{{summary}}", with: redactor.redact(analysis.summary))
            .replacingOccurrences(of: "{{signatures}}", with: redactor.redact(Self.signatures(analysis.signatures)))
        let excerpt = redactor.redact(analysis.excerpt.trimmingCharacters(in: .newlines))
        system = filled.components(separatedBy: Self.excerptPlaceholder).joined(separator: excerpt)
        userMessage = Self.question
    }

    /// The prompt from the library's `log-diagnosis.md`.
    public init(library: PromptLibrary, analysis: LogAnalysis) throws {
        try self.init(template: try library.template(named: Self.templateName).text, analysis: analysis)
    }

    public func request(model: String) -> MessagesRequest {
        MessagesRequest(model: model, maxTokens: Self.maxTokens, system: [SystemBlock(text: system)], messages: [.user(userMessage)])
    }

    /// Sends the request; Claude's text streams to `onEvent` as `.textDelta` (retries as `.retrying`),
    /// and the whole answer is returned.
    public func run(client: any MessagesStreaming, model: String, onEvent: @escaping @Sendable (AgentEvent) -> Void = { _ in }) async throws -> String {
        let response = try await client.stream(request(model: model)) { update in
            switch update {
            case .textDelta(_, let text): onEvent(.textDelta(text))
            case .retrying(let attempt, let delay, let reason): onEvent(.retrying(attempt: attempt, delay: delay, reason: reason))
            default: break
            }
        }
        return response.message.text
    }

    /// The recognised failures, one entry each with its usual fix; "(none)" when there are none.
    static func signatures(_ hits: [LogAnalysis.SignatureHit]) -> String {
        guard !hits.isEmpty else { return "(none)" }
        return hits.map { hit in
            "- \(hit.title) [\(hit.id)] at line \(hit.lines.map(String.init).joined(separator: ", ")): \(hit.example)\n  usual fix: \(hit.hint)"
        }.joined(separator: "\n")
    }
}
