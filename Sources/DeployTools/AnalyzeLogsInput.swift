import Deploy
import Foundation
import LogTriage

/// `analyze_logs`: a log file in the project, or a deployment's logs.
struct AnalyzeLogsInput: Decodable, Sendable {
    var path: String?
    var deploymentId: String?
    var tokenBudget: Int?

    enum CodingKeys: String, CodingKey {
        case path
        case deploymentId = "deployment_id"
        case tokenBudget = "token_budget"
    }

    func run(service: DeployService) async throws -> AnalyzeLogsOutput {
        let analyzer = try LogAnalyzer(options: LogAnalysisOptions(tokenBudget: tokenBudget ?? 2_000, templateLimit: 20))
        let analysis: LogAnalysis
        if let deploymentId {
            let logs = try await service.logs(LogsInput(deploymentId: deploymentId, tail: 5_000))
            analysis = try analyzer.analyze(.text(logs.lines.joined(separator: "\n")))
        } else if let path, path != "." {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw DeployToolsError("\(path) is not a log file; give a file inside the project")
            }
            analysis = try analyzer.analyze(.file(URL(fileURLWithPath: path)))
        } else {
            throw DeployToolsError("give the log: path (a file in the project) or deployment_id")
        }
        return AnalyzeLogsOutput(analysis)
    }
}

/// What `analyze_logs` returns: the analysis without the full template table.
struct AnalyzeLogsOutput: Encodable, Sendable {
    var summary: String
    var lineCount: Int
    var signatures: [LogAnalysis.SignatureHit]
    var keyLines: [LogAnalysis.KeyLine]
    var excerpt: String

    init(_ analysis: LogAnalysis) {
        summary = analysis.summary
        lineCount = analysis.lineCount
        signatures = analysis.signatures
        keyLines = Array(analysis.keyLines.prefix(30))
        excerpt = analysis.excerpt
    }

    enum CodingKeys: String, CodingKey {
        case summary, signatures, excerpt
        case lineCount = "line_count"
        case keyLines = "key_lines"
    }
}
