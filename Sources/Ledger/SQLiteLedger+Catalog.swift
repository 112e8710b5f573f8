import Foundation
import GRDB
import JSON

extension SQLiteLedger: ProjectCatalog {
    public func projectListings(userId: String?) async throws -> [ProjectListing] {
        try await read("list the projects") { db in
            let filter = userId == nil ? "" : " WHERE p.userId = ?"
            let rows = try Row.fetchAll(db, sql: """
                SELECT p.guid, p.userId, p.name, p.createdAt, p.updatedAt, p.lastSequence, r.awsResources,
                       MAX(p.updatedAt, COALESCE(r.updatedAt, 0)) AS touched
                FROM project p LEFT JOIN resource r ON r.guid = p.guid\(filter)
                ORDER BY touched DESC, p.guid
                """, arguments: userId.map { [$0] } ?? [])
            return try rows.map { row in
                let resourcesText: String? = row["awsResources"]
                let guid: String = row["guid"]
                let lastSequence: Int64 = row["lastSequence"]
                return ProjectListing(
                    project: ProjectRecord(
                        guid: guid, userId: row["userId"], name: row["name"],
                        createdAt: Date(timeIntervalSince1970: row["createdAt"]),
                        updatedAt: Date(timeIntervalSince1970: row["touched"])),
                    resourceCount: try resourcesText.map { try JSONValue(parsing: $0).objectValue?.count ?? 0 } ?? 0,
                    lastEvent: lastSequence > 0 ? try Self.fetchEvent(guid: guid, sequence: lastSequence, db: db) : nil)
            }
        }
    }

    public func lastEvent(guid: String) async throws -> StoredEvent? {
        try await read("read the last event of \(guid)") { db in
            let sequence = try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM event WHERE guid = ?", arguments: [guid])
            return try sequence.flatMap { try Self.fetchEvent(guid: guid, sequence: $0, db: db) }
        }
    }

    private static func fetchEvent(guid: String, sequence: Int64, db: Database) throws -> StoredEvent? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT kind, message, data, receivedAt FROM event WHERE guid = ? AND sequence = ?
            """, arguments: [guid, sequence])
        else { return nil }
        let dataText: String? = row["data"]
        return StoredEvent(
            sequence: sequence, guid: guid, kind: EventKind(rawValue: row["kind"]) ?? .status, message: row["message"],
            data: try dataText.map { try JSONValue(parsing: $0).objectValue ?? [:] },
            receivedAt: Date(timeIntervalSince1970: row["receivedAt"]))
    }
}
