import Foundation
import Ledger
import LogTriage

// MARK: - Logs

extension DeployService {
    /// Every log line leaves through this: keys, tokens and passwords an app printed are masked.
    static let redactor = SecretRedactor()

    /// The query `input` asks for, its `since` read against the service's clock.
    public func logQuery(_ input: LogsInput) throws -> LogQuery {
        LogQuery(
            tail: max(1, min(input.tail ?? 100, 5000)),
            since: try input.since.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : try LogQuery.since($0, now: now()) },
            filter: try input.filter.flatMap { try LogFilter($0) })
    }

    /// The deployment's log lines: its target's (a container's, CloudWatch's) while it is the live
    /// one, else the excerpt the ledger kept when it ended; secrets redacted.
    public func logs(_ input: LogsInput) async throws -> LogsOutput {
        let query = try logQuery(input)
        let record = try await deployment(matching: input.deploymentId)
        let live = try await liveDeployment(projectId: record.projectId, name: record.name)?.id == record.id
        var problem: String?
        if live {
            let target = try target(for: record.target)
            do {
                let lines = try await target.logs(record, query: query)
                if !lines.isEmpty || query.isNarrowed {
                    return LogsOutput(deploymentId: record.id, source: target.logSource, lines: lines.map(Self.redactor.redact))
                }
            } catch let error as DeployError where error.code == .invalidInput {
                throw error
            } catch {
                problem = "reading its \(target.logSource) logs failed (\(error)); this is the excerpt kept in the ledger"
            }
        }
        var kept = (record.logExcerpt?.split(separator: "\n").map(String.init) ?? [])
        if let filter = query.filter { kept = kept.filter(filter.matches) }
        let note = problem ?? (query.since != nil ? "the excerpt kept in the ledger has no times: since was not applied" : nil)
        return LogsOutput(deploymentId: record.id, source: "ledger", lines: kept.suffix(query.tail).map(Self.redactor.redact), note: note)
    }

    /// Calls `onLine` with the live deployment's last lines for the query, then with each new one,
    /// secrets redacted, until the calling task is cancelled (Ctrl-C) or the logs end (the container
    /// stopped). Throws `CancellationError` when cancelled, after the target stopped what it ran.
    public func followLogs(_ input: LogsInput, onLine: @escaping @Sendable (String) -> Void) async throws {
        let query = try logQuery(input)
        let record = try await deployment(matching: input.deploymentId)
        guard try await liveDeployment(projectId: record.projectId, name: record.name)?.id == record.id else {
            throw DeployError(.invalidState, "deployment \(record.id.prefix(8)) is \(record.status.rawValue) and not the project's current one, so there is nothing to follow; `deployotron logs \(record.id.prefix(8))` shows what was kept")
        }
        try await target(for: record.target).followLogs(record, query: query) { line in onLine(Self.redactor.redact(line)) }
    }
}
