import AWS
import AsyncHTTPClient
import Foundation
import JSON

/// The ledger in DynamoDB, for teams that already keep seed 003's `tmux-deployments` table.
///
/// The resources table is seed 003's, attribute for attribute (`userId` hash key, `projectId` range key,
/// `projectName`, `awsResources` as a map, `createdAt`/`updatedAt` as ISO-8601 strings), so the seed's
/// Python client reads what this writes and the other way round. Everything else lives in tables named
/// after it: `TABLE-projects`, `TABLE-events`, `TABLE-deployments`, `TABLE-ports`, `TABLE-locks`.
/// DynamoDB's conditional writes and atomic counters do the coordinating; concurrent `record` calls
/// are grouped (see `recordBatch`) so that each project costs a few calls per batch, not per event.
public final class DynamoDBLedger: LedgerStore {
    /// The six tables of one ledger.
    public struct Tables: Sendable, Equatable {
        /// Seed 003's table: `userId` + `projectId`.
        public var resources: String
        /// `guid` → userId, name, and the event counter `lastSequence`.
        public var projects: String
        /// `guid` + `sequence`.
        public var events: String
        /// `id`, with the index `byProject` on `projectId` + `startedAt`.
        public var deployments: String
        /// `port`.
        public var ports: String
        /// `projectId`.
        public var locks: String

        public init(base: String) {
            resources = base
            projects = "\(base)-projects"
            events = "\(base)-events"
            deployments = "\(base)-deployments"
            ports = "\(base)-ports"
            locks = "\(base)-locks"
        }

        public var all: [String] { [resources, projects, events, deployments, ports, locks] }
    }

    public let tables: Tables
    public let client: DynamoDBClient
    /// Items per Query or Scan page; nil lets DynamoDB fill 1 MB pages.
    public let pageSize: Int?
    /// How many times a merge that lost a race is tried again before giving up.
    static let maxMergeAttempts = 20
    var maxMergeAttempts: Int { Self.maxMergeAttempts }
    let batcher: WriteBatcher<PendingEvent, StoredEvent>

    static let deploymentsByProject = "byProject"

    /// A ledger over `client` whose resources table is `table`.
    public init(table: String, client: DynamoDBClient, pageSize: Int? = nil) {
        let tables = Tables(base: table)
        self.tables = tables
        self.client = client
        self.pageSize = pageSize
        self.batcher = WriteBatcher(maxBatch: 100) { batch in
            await Self.recordBatch(batch, tables: tables, client: client)
        }
    }

    /// A ledger for `dynamodb:TABLE[?region=R]`: credentials from the AWS environment variables or the
    /// profile files, the endpoint from AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL or AWS itself.
    /// Makes no request: a missing table shows on first use (`deployotron store init` creates them).
    public convenience init(
        table: String, region: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        httpClient: HTTPClient = .shared
    ) throws {
        // The other tables are named after this one, and DynamoDB names stop at 255 characters.
        guard table.count <= 255 - "-deployments".count else {
            throw LedgerError(.invalidStoreURL, "the DynamoDB table name \(table.prefix(40))... is too long: the ledger adds up to 12 characters to it for its other tables; use at most 243")
        }
        do {
            self.init(table: table, client: try DynamoDBClient.fromEnvironment(region: region, environment: environment, httpClient: httpClient))
        } catch let error as AWSError {
            throw LedgerError(.unavailable, "cannot use DynamoDB table \(table): \(error)")
        }
    }

    // MARK: - Tables

    /// Creates whichever of the ledger's tables are missing (on demand, PAY_PER_REQUEST) and waits until
    /// they are ACTIVE. Safe to run again. Returns the names it created.
    @discardableResult
    public func createTables(clock: any Clock<Duration> = ContinuousClock()) async throws -> [String] {
        typealias Key = DynamoDBClient.KeyAttribute
        let definitions: [(name: String, hash: Key, range: Key?, indexes: [DynamoDBClient.GlobalIndex])] = [
            (tables.resources, Key("userId", .string), Key("projectId", .string), []),
            (tables.projects, Key("guid", .string), nil, []),
            (tables.events, Key("guid", .string), Key("sequence", .number), []),
            (tables.deployments, Key("id", .string), nil, [
                .init(name: Self.deploymentsByProject, partitionKey: Key("projectId", .string), sortKey: Key("startedAt", .string)),
            ]),
            (tables.ports, Key("port", .number), nil, []),
            (tables.locks, Key("projectId", .string), nil, []),
        ]
        var created: [String] = []
        for definition in definitions {
            try await storage("create table \(definition.name)") {
                if try await client.createTable(definition.name, partitionKey: definition.hash, sortKey: definition.range, globalIndexes: definition.indexes) {
                    created.append(definition.name)
                }
            }
        }
        for name in tables.all {
            try await storage("wait for table \(name)") { try await client.waitUntilActive(name, clock: clock) }
        }
        return created
    }

    /// `createTables` on a ledger made from the environment.
    @discardableResult
    public static func createTables(
        table: String, region: String?, environment: [String: String] = ProcessInfo.processInfo.environment, httpClient: HTTPClient = .shared
    ) async throws -> [String] {
        try await DynamoDBLedger(table: table, region: region, environment: environment, httpClient: httpClient).createTables()
    }

    // MARK: - Errors

    /// Runs `body`, turning AWS errors into ledger errors that say what was being done and what to do.
    func storage<T>(_ action: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as AWSError {
            throw ledgerError(error, doing: action)
        }
    }

    func ledgerError(_ error: AWSError, doing action: String) -> LedgerError {
        Self.ledgerError(error, doing: action, tables: tables)
    }

    static func ledgerError(_ error: AWSError, doing action: String, tables: Tables) -> LedgerError {
        switch (error.kind, error.type) {
        case (.service, "ResourceNotFoundException"):
            return LedgerError(.unavailable, "could not \(action): a DynamoDB table of ledger \(tables.resources) is missing; run `deployotron store init --store dynamodb:\(tables.resources)` (\(error))")
        case (.service, "ValidationException"):
            // What was sent does not fit DynamoDB (an item over 400 KB, a number out of range): the caller's to fix.
            return LedgerError(.invalidInput, "could not \(action): DynamoDB refused it: \(error.message)")
        case (.missingCredentials, _), (.invalidConfiguration, _), (.transport, _):
            return LedgerError(.unavailable, "could not \(action) in DynamoDB: \(error)")
        default:
            return LedgerError(.storage, "could not \(action) in DynamoDB: \(error)")
        }
    }

    // MARK: - Time

    static func timeString(_ date: Date) -> String {
        LedgerTime.string(date)
    }

    /// Ours (`2026-11-22T10:00:00.000Z`), or the seed's Python `datetime.utcnow().isoformat()`,
    /// which has microseconds and no zone: it is UTC.
    static func date(_ value: DynamoDBValue?) -> Date? {
        guard let text = value?.stringValue else { return nil }
        if let date = LedgerTime.date(text) { return date }
        return naiveUTC(text)
    }

    private static func naiveUTC(_ text: String) -> Date? {
        let parts = text.split(separator: ".", maxSplits: 1)
        guard let whole = parts.first, let base = LedgerTime.date(whole + "Z") else { return nil }
        guard parts.count == 2 else { return base }
        let digits = parts[1].prefix { $0.isNumber }
        guard !digits.isEmpty, let fraction = Double("0." + digits) else { return base }
        return base.addingTimeInterval(fraction)
    }
}
