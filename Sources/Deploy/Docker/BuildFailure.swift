import Foundation
import LogTriage

/// What a failed build's output says, reduced by log triage: the known failures it recognises with
/// their fixes, then the excerpt that matters (secrets redacted), instead of its last lines alone.
enum BuildFailure {
    /// Roughly how much of the build log a failure message carries.
    static let tokenBudget = 600

    static func explain(_ output: ProcessOutput) -> String {
        let log = output.stdout + (output.stderr.isEmpty ? "" : "\n" + output.stderr)
        guard let analyzer = try? LogAnalyzer(options: LogAnalysisOptions(tokenBudget: tokenBudget)),
              let analysis = try? analyzer.analyze(.text(log)), !analysis.excerpt.isEmpty else {
            return output.lastLines(15).joined(separator: "\n")
        }
        var parts: [String] = []
        for hit in analysis.signatures.prefix(2) {
            parts.append("\(hit.title): \(hit.hint)")
        }
        parts.append(analysis.excerpt)
        return parts.joined(separator: "\n")
    }
}
