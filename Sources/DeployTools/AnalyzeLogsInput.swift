import Agent
import Deploy
import Foundation
import JSON
import LogTriage

/// `analyze_logs`: a log file in the project, or a deployment's logs.
struct AnalyzeLogsInput: ToolInput, Codable {
    var path: String?
    var deploymentId: String?
    var tokenBudget: Int?

    enum CodingKeys: String, CodingKey {
        case path
        case deploymentId = "deployment_id"
        case tokenBudget = "token_budget"
    }

    static var schema: JSONValue {
        ToolSchema.object([
            "path": ToolSchema.string("A log file inside the project."),
            "deployment_id": ToolSchema.deploymentId,
            "token_budget": ToolSchema.integer("The excerpt's size in tokens. Default 2000.", minimum: 200, maximum: 20000),
        ])
    }

    func run(service: DeployService, projectRoot: URL) async throws -> AnalyzeLogsOutput {
        let analyzer = try LogAnalyzer(options: LogAnalysisOptions(tokenBudget: tokenBudget ?? 2_000, templateLimit: 20))
        let analysis: LogAnalysis
        if let deploymentId {
            let logs = try await service.logs(LogsInput(deploymentId: deploymentId, tail: 5_000))
            analysis = try analyzer.analyze(.text(logs.lines.joined(separator: "\n")))
        } else if let path, path != "." {
            let file = try ProjectPath(path, in: projectRoot)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file.url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw DeployToolsError("\(file.relative) is not a log file; give a file inside the project")
            }
            analysis = try analyzer.analyze(.file(file.url))
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
