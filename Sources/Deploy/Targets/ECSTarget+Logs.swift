import AWS
import Foundation
import Ledger

// MARK: - Logs from CloudWatch: since, filter, follow

extension ECSTarget {
    public var logSource: String { "cloudwatch" }

    /// The last lines of the app's log group: since `query.since` (else since the deployment started)
    /// matching `query.filter` through FilterLogEvents, every page read; without either, the newest
    /// lines of the most recently written streams.
    public func logs(_ deployment: DeploymentRecord, query: LogQuery) async throws -> [String] {
        try await events(deployment, query: query).map(\.message)
    }

    func events(_ deployment: DeploymentRecord, query: LogQuery) async throws -> [CloudWatchLogsClient.Event] {
        let (details, clients) = try requireDetails(deployment)
        let start = deployment.startedAt.addingTimeInterval(-60)
        guard query.isNarrowed else {
            let events = try await aws("reading \(details.logGroup)") { try await clients.logs.latestEvents(group: details.logGroup, limit: query.tail) }
            return events.filter { $0.timestamp >= start }
        }
        let events = try await aws("reading \(details.logGroup)") {
            try await clients.logs.lastFilteredEvents(group: details.logGroup, pattern: query.filter?.pattern, from: query.since ?? start, limit: query.tail)
        }
        // CloudWatch applied the pattern; applying it here too keeps every target's answer the same.
        return events.filter { query.filter?.matches($0.message) ?? true }
    }

    /// The last lines for `query`, then every `settings.pollInterval` the events written since the
    /// newest one shown (FilterLogEvents from its time, every page, events of that same millisecond
    /// told apart by id), until the calling task is cancelled.
    public func followLogs(_ deployment: DeploymentRecord, query: LogQuery, onLine: @escaping @Sendable (String) -> Void) async throws {
        let (details, clients) = try requireDetails(deployment)
        let backlog = try await events(deployment, query: query)
        for event in backlog { onLine(event.message) }
        var newest = backlog.last?.timestamp ?? query.since ?? Date()
        var shown = Set(backlog.filter { $0.timestamp == newest }.map(\.key))
        while true {
            try await clock.sleep(for: settings.pollInterval)
            let events = try await aws("reading \(details.logGroup)") {
                try await clients.logs.lastFilteredEvents(group: details.logGroup, pattern: query.filter?.pattern, from: newest, limit: 10_000)
            }
            for event in events where event.timestamp >= newest && !shown.contains(event.key) {
                if event.timestamp > newest {
                    newest = event.timestamp
                    shown = []
                }
                shown.insert(event.key)
                if query.filter?.matches(event.message) ?? true { onLine(event.message) }
            }
        }
    }
}
