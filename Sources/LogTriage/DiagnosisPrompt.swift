import Foundation

/// The text of a Claude request that diagnoses a log: a system prompt rendered from
/// `prompts/log-diagnosis.md` with the analysis filled in, and the user message.
///
/// The template's placeholders are `{{excerpt}}`, `{{summary}}` and `{{signatures}}`; they are
/// replaced as plain text (no template language), and everything put in is already redacted.
public struct DiagnosisPrompt: Sendable, Equatable {
    public var system: String
    public var userMessage: String

    /// The placeholders a template must contain; `{{excerpt}}` is the one that matters.
    public static let requiredPlaceholder = "{{excerpt}}"

    public init(template: String, analysis: LogAnalysis, redactor: SecretRedactor = SecretRedactor()) throws {
        guard template.contains(Self.requiredPlaceholder) else {
            throw LogTriageError.badPrompt("it has no \(Self.requiredPlaceholder) placeholder")
        }
        let signatures: String
        if analysis.signatures.isEmpty {
            signatures = "(none)"
        } else {
            signatures = analysis.signatures.map { hit in
                "- \(hit.title) [\(hit.id)] at line \(hit.lines.map(String.init).joined(separator: ", ")): \(hit.example)\n  usual fix: \(hit.hint)"
            }.joined(separator: "\n")
        }
        // The excerpt goes in last so a placeholder-like text inside it is never expanded.
        let filled = template
            .replacingOccurrences(of: "{{summary}}", with: analysis.summary)
            .replacingOccurrences(of: "{{signatures}}", with: signatures)
        let parts = filled.components(separatedBy: Self.requiredPlaceholder)
        system = redactor.redact(parts.joined(separator: analysis.excerpt.trimmingCharacters(in: .newlines)))
        userMessage = "Diagnose this failed build or deploy log: give the Error, its Cause and the Fix."
    }

    /// Reads the template from a `prompts` folder (see `InstallLayout.prompts`).
    public static func template(in promptsFolder: URL) throws -> String {
        let url = promptsFolder.appendingPathComponent("log-diagnosis.md")
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw LogTriageError.badPrompt("cannot read \(url.path)")
        }
    }
}
