import Foundation
import GRDB
import JSON
import Synchronization

/// What the event writer remembers of the projects it wrote to, so that a batch neither reads a
/// project's last sequence number nor parses its merged resources again.
///
/// The memory holds only what this connection itself committed. It is dropped whenever it could
/// be stale: when another connection (another process included) committed to the file, which
/// `PRAGMA data_version` tells inside the batch's IMMEDIATE transaction; when any other write ran
/// on this connection; and when a batch failed.
final class WriterMemory: Sendable {
    struct Project: Sendable {
        var lastSequence: Int64
        /// The merged resources; nil while the project has no resource row.
        var resources: [String: JSONValue]?
        var resourcesUpdatedAt: Date?
        /// Whether the current batch wrote an event of this project, and changed its resources.
        var inBatch = false
        var resourcesChanged = false
    }

    struct State: Sendable {
        var dataVersion: Int64 = -1
        var projects: [ByteKey: Project] = [:]
    }

    /// Past this many projects the memory starts again: a long-running server stays small.
    static let capacity = 4096

    private let state = Mutex(State())

    /// What the memory holds if the file has not changed under it since, else nothing.
    func recall(dataVersion: Int64) -> [ByteKey: Project] {
        state.withLock { state in
            guard state.dataVersion == dataVersion, state.projects.count <= Self.capacity else {
                state = State(dataVersion: dataVersion)
                return [:]
            }
            return state.projects
        }
    }

    func remember(_ projects: [ByteKey: Project], dataVersion: Int64) {
        state.withLock { $0 = State(dataVersion: dataVersion, projects: projects) }
    }

    func forget() {
        state.withLock { $0 = State() }
    }
}

extension SQLiteLedger {
    /// Writes one batch of events in one transaction; one result per event, in order.
    static func record(_ batch: [PendingEvent], to writer: any DatabaseWriter, memory: WriterMemory) async -> [Result<StoredEvent, any Error>] {
        do {
            // The common case: every event goes in, one transaction, no savepoints to prepare.
            return try await writer.writeWithoutTransaction { db in
                try recordInTransaction(batch, db: db, memory: memory, isolated: false)
            }
        } catch {
            memory.forget()
            guard batch.count > 1 else { return [.failure(ledgerError(error, doing: "record an event for \(batch[0].event.guid)"))] }
        }
        do {
            // Something failed and the transaction rolled back: again, each event in a savepoint,
            // so the bad one fails alone.
            return try await writer.writeWithoutTransaction { db in
                try recordInTransaction(batch, db: db, memory: memory, isolated: true)
            }
        } catch {
            memory.forget()
            let failure = ledgerError(error, doing: "record \(batch.count) event(s)")
            return batch.map { _ in .failure(failure) }
        }
    }

    private static func recordInTransaction(_ batch: [PendingEvent], db: Database, memory: WriterMemory, isolated: Bool) throws -> [Result<StoredEvent, any Error>] {
        var results: [Result<StoredEvent, any Error>] = []
        // IMMEDIATE takes the write lock at BEGIN: no other connection can commit between the
        // data_version check and the end of the batch.
        try db.inTransaction(.immediate) {
            let dataVersion = try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
            var projects = memory.recall(dataVersion: dataVersion)
            var touched: [ByteKey] = []
            results = try apply(batch, db: db, isolated: isolated, projects: &projects, touched: &touched)
            try flush(touched, projects: &projects, db: db)
            // Remembered before COMMIT, on the writer's queue: no other write can come between.
            // A failed COMMIT makes `record` forget it again.
            memory.remember(projects, dataVersion: dataVersion)
            return .commit
        }
        return results
    }

    private static func apply(
        _ batch: [PendingEvent], db: Database, isolated: Bool,
        projects: inout [ByteKey: WriterMemory.Project], touched: inout [ByteKey]
    ) throws -> [Result<StoredEvent, any Error>] {
        var results: [Result<StoredEvent, any Error>] = []
        results.reserveCapacity(batch.count)
        for pending in batch {
            guard isolated else {
                results.append(.success(try append(pending, db: db, projects: &projects, touched: &touched)))
                continue
            }
            let (savedProjects, savedTouched) = (projects, touched)
            do {
                var stored: StoredEvent?
                try db.inSavepoint {
                    stored = try append(pending, db: db, projects: &projects, touched: &touched)
                    return .commit
                }
                results.append(.success(stored!))
            } catch {
                (projects, touched) = (savedProjects, savedTouched)
                results.append(.failure(ledgerError(error, doing: "record an event for \(pending.event.guid)")))
            }
        }
        return results
    }

    /// Appends one event to its project's log, registering the project as unknown when it is new.
    /// The project's sequence number and resources are written once per batch, by `flush`.
    private static func append(
        _ pending: PendingEvent, db: Database,
        projects: inout [ByteKey: WriterMemory.Project], touched: inout [ByteKey]
    ) throws -> StoredEvent {
        let event = pending.event
        let key = ByteKey(event.guid)
        var project = try projects[key] ?? load(guid: event.guid, at: pending.date, db: db)
        if !project.inBatch {
            project.inBatch = true
            touched.append(key)
        }
        project.lastSequence += 1
        try db.cachedStatement(sql: """
            INSERT INTO event (guid, sequence, kind, message, data, receivedAt) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                event.guid, project.lastSequence, event.kind.rawValue, event.message,
                event.data.map { JSONValue.object($0).storageText() }, pending.date.timeIntervalSince1970,
            ])
        if event.kind == .resources, let data = event.data {
            // A later report adds and replaces keys; it never erases what an earlier one named.
            // A name that matches a stored one only canonically is refused, not folded into it.
            do {
                project.resources = try (project.resources ?? [:]).mergingExactly(data)
            } catch {
                throw LedgerError(.invalidInput, "cannot merge the report into the resources of \(event.guid): \(error)")
            }
            project.resourcesUpdatedAt = pending.date
            project.resourcesChanged = true
        }
        projects[key] = project
        return StoredEvent(sequence: project.lastSequence, guid: event.guid, kind: event.kind, message: event.message, data: event.data, receivedAt: pending.date)
    }

    /// Reads a project the memory does not hold, creating it under the unknown user when new.
    private static func load(guid: String, at date: Date, db: Database) throws -> WriterMemory.Project {
        let time = date.timeIntervalSince1970
        try db.cachedStatement(sql: """
            INSERT INTO project (guid, userId, name, registered, createdAt, updatedAt, lastSequence)
            VALUES (?, ?, ?, 0, ?, ?, 0) ON CONFLICT(guid) DO NOTHING
            """).execute(arguments: [guid, ProjectRecord.unknownUser, ProjectRecord.unnamedProject, time, time])
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT p.lastSequence, r.awsResources FROM project p LEFT JOIN resource r ON r.guid = p.guid WHERE p.guid = ?
            """), arguments: [guid])
        let text: String? = row?[1]
        return WriterMemory.Project(
            lastSequence: row?[0] ?? 0,
            resources: try text.map { try JSONValue(parsing: $0).objectValue ?? [:] })
    }

    /// Writes what the batch changed: each touched project's last sequence number, and its
    /// resources when a report changed them.
    private static func flush(_ touched: [ByteKey], projects: inout [ByteKey: WriterMemory.Project], db: Database) throws {
        for key in touched {
            guard var project = projects[key] else { continue }
            let guid = key.text
            try db.cachedStatement(sql: "UPDATE project SET lastSequence = ? WHERE guid = ?")
                .execute(arguments: [project.lastSequence, guid])
            if project.resourcesChanged, let resources = project.resources, let date = project.resourcesUpdatedAt {
                let time = date.timeIntervalSince1970
                try db.cachedStatement(sql: """
                    INSERT INTO resource (guid, awsResources, createdAt, updatedAt) VALUES (?, ?, ?, ?)
                    ON CONFLICT(guid) DO UPDATE SET awsResources = excluded.awsResources, updatedAt = excluded.updatedAt
                    """).execute(arguments: [guid, JSONValue.object(resources).storageText(), time, time])
            }
            project.inBatch = false
            project.resourcesChanged = false
            projects[key] = project
        }
    }
}
