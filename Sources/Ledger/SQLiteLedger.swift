import Foundation
import GRDB
import JSON

/// The ledger in one SQLite file (WAL): projects, resources, events, deployments, ports and locks.
///
/// Concurrent `record` calls are grouped into few transactions (see `WriteBatcher` and
/// `SQLiteLedger+Recording`), and each returns only after the transaction holding its event
/// committed with a synced WAL, so a server may acknowledge it.
public final class SQLiteLedger: LedgerStore {
    let writer: any DatabaseWriter
    private let batcher: WriteBatcher<PendingEvent, StoredEvent>
    /// What the event writer knows of the projects it wrote to (see `SQLiteLedger+Recording`).
    let memory: WriterMemory
    /// Where the database lives; nil for an in-memory ledger.
    public let path: String?

    /// When a commit reaches the disk.
    public enum Synchronous: String, Sendable {
        /// Every commit syncs the WAL: an acknowledged event survives a crash of the machine.
        case full
        /// Commits are synced at checkpoints only: an acknowledged event survives a crash of the
        /// process (SIGKILL included) but not a power loss. Several times faster on slow disks.
        case normal
    }

    /// Opens (creating it and its folder when missing) the database at `path`, and migrates it.
    public convenience init(path: String, synchronous: Synchronous = .full) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw LedgerError(.unavailable, "cannot create the folder \(directory.path) for the ledger: \(error.localizedDescription)")
        }
        // The ledger keeps log excerpts and project records: readable by the user alone. SQLite gives
        // its -wal and -shm files the database file's mode, so creating it 0600 covers all three.
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: synchronous == .full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw LedgerError(.unavailable, "cannot open the SQLite ledger at \(path): \(error.message ?? "\(error.resultCode)")", sqliteCode: error.extendedResultCode.rawValue)
        }
        try self.init(writer: pool, path: path)
    }

    /// A ledger that lives in memory only, for tests and dry runs.
    public static func inMemory() throws -> SQLiteLedger {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA foreign_keys = ON") }
        return try SQLiteLedger(writer: DatabaseQueue(configuration: configuration), path: nil)
    }

    init(writer: any DatabaseWriter, path: String?) throws {
        self.writer = writer
        self.path = path
        do {
            try Self.migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw LedgerError(.unavailable, "cannot prepare the SQLite ledger at \(path ?? ":memory:"): \(error.message ?? "\(error.resultCode)")", sqliteCode: error.extendedResultCode.rawValue)
        }
        let batchWriter = writer
        let memory = WriterMemory()
        self.memory = memory
        self.batcher = WriteBatcher { batch in
            await Self.record(batch, to: batchWriter, memory: memory)
        }
    }

    // MARK: - Errors

    static func ledgerError(_ error: any Error, doing action: String) -> LedgerError {
        switch error {
        case let error as LedgerError:
            return error
        case let error as DatabaseError:
            return LedgerError(.storage, "could not \(action) in the SQLite ledger: \(error.message ?? "\(error.resultCode)")", sqliteCode: error.extendedResultCode.rawValue)
        default:
            return LedgerError(.storage, "could not \(action) in the SQLite ledger: \(error)")
        }
    }

    func read<T: Sendable>(_ action: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(body)
        } catch {
            throw Self.ledgerError(error, doing: action)
        }
    }

    func write<T: Sendable>(_ action: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let memory = self.memory
        do {
            return try await writer.write { db in
                // Only the event writer keeps its memory; any other write on this connection clears it.
                memory.forget()
                return try body(db)
            }
        } catch {
            throw Self.ledgerError(error, doing: action)
        }
    }
}

// MARK: - ResourceStore

extension SQLiteLedger {
    @discardableResult
    public func registerProject(guid: String, userId: String, name: String, at date: Date) async throws -> ProjectRecord {
        guard !guid.isEmpty else { throw LedgerError(.invalidInput, "a project needs a non-empty guid") }
        let time = date.timeIntervalSince1970
        return try await write("register project \(guid)") { db in
            try db.execute(sql: """
                INSERT INTO project (guid, userId, name, registered, createdAt, updatedAt, lastSequence)
                VALUES (?, ?, ?, 1, ?, ?, 0)
                ON CONFLICT(guid) DO UPDATE SET userId = excluded.userId, name = excluded.name, registered = 1, updatedAt = excluded.updatedAt
                """, arguments: [guid, userId, name, time, time])
            return try Self.fetchProject(guid: guid, db: db)!
        }
    }

    public func project(guid: String) async throws -> ProjectRecord? {
        try await read("read project \(guid)") { db in try Self.fetchProject(guid: guid, db: db) }
    }

    @discardableResult
    public func record(_ event: NotifyEvent, at date: Date) async throws -> StoredEvent {
        guard !event.guid.isEmpty else { throw LedgerError(.invalidInput, "an event needs a non-empty guid") }
        return try await batcher.submit(PendingEvent(event: event, date: date))
    }

    public func resources(guid: String) async throws -> ResourceRecord? {
        try await read("read the resources of \(guid)") { db in
            try Row.fetchOne(db, sql: Self.resourceQuery + " WHERE r.guid = ?", arguments: [guid]).map(Self.resourceRecord)
        }
    }

    public func resources(userId: String) async throws -> [ResourceRecord] {
        try await read("read the projects of user \(userId)") { db in
            try Row.fetchAll(db, sql: Self.resourceQuery + " WHERE p.userId = ? ORDER BY r.createdAt, r.guid", arguments: [userId]).map(Self.resourceRecord)
        }
    }

    public func events(guid: String, after sequence: Int64?, limit: Int?) async throws -> [StoredEvent] {
        try await read("read the events of \(guid)") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT guid, sequence, kind, message, data, receivedAt FROM event
                WHERE guid = ? AND sequence > ? ORDER BY sequence LIMIT ?
                """, arguments: [guid, sequence ?? 0, limit ?? -1])
            return try rows.map { row in
                let dataText: String? = row["data"]
                return StoredEvent(
                    sequence: row["sequence"], guid: row["guid"],
                    kind: EventKind(rawValue: row["kind"]) ?? .status,
                    message: row["message"],
                    data: try dataText.map { try JSONValue(parsing: $0).objectValue ?? [:] },
                    receivedAt: Date(timeIntervalSince1970: row["receivedAt"]))
            }
        }
    }

    /// How many events the ledger holds, all projects together: what a benchmark counts.
    public func eventCount() async throws -> Int {
        try await read("count events") { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0 }
    }

    private static let resourceQuery = """
        SELECT p.userId, p.guid, p.name, r.awsResources, r.createdAt, r.updatedAt
        FROM resource r JOIN project p ON p.guid = r.guid
        """

    private static func resourceRecord(_ row: Row) throws -> ResourceRecord {
        let text: String = row["awsResources"]
        return ResourceRecord(
            userId: row["userId"], projectId: row["guid"], projectName: row["name"],
            awsResources: try JSONValue(parsing: text).objectValue ?? [:],
            createdAt: Date(timeIntervalSince1970: row["createdAt"]),
            updatedAt: Date(timeIntervalSince1970: row["updatedAt"]))
    }

    static func fetchProject(guid: String, db: Database) throws -> ProjectRecord? {
        try Row.fetchOne(db, sql: "SELECT guid, userId, name, createdAt, updatedAt FROM project WHERE guid = ?", arguments: [guid]).map { row in
            ProjectRecord(
                guid: row["guid"], userId: row["userId"], name: row["name"],
                createdAt: Date(timeIntervalSince1970: row["createdAt"]),
                updatedAt: Date(timeIntervalSince1970: row["updatedAt"]))
        }
    }
}
