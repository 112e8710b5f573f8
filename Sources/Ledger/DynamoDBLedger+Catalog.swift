import AWS
import Foundation
import JSON

extension DynamoDBLedger: ProjectCatalog {
    /// Both tables in full: the projects this ledger registered or heard from, and every item of
    /// the resources table, which seed 003's client writes without registering anything.
    public func projectListings(userId: String?) async throws -> [ProjectListing] {
        let projectItems = try await storage("list the projects") { try await client.scanAll(table: tables.projects, pageSize: pageSize) }
        let resourceItems = try await storage("list the resources") { try await client.scanAll(table: tables.resources, pageSize: pageSize) }
        var resources: [String: ResourceRecord] = [:]
        for record in resourceItems.compactMap(Self.resourceRecord) {
            resources[record.userId + "\u{0}" + record.projectId] = record
        }
        var listings: [ProjectListing] = []
        var listed = Set<String>()
        for item in projectItems {
            guard let guid = item["guid"]?.stringValue else { continue }
            let owner = item["userId"]?.stringValue ?? ProjectRecord.unknownUser
            let record = resources[owner + "\u{0}" + guid]
            let createdAt = Self.date(item["createdAt"]) ?? Date(timeIntervalSince1970: 0)
            let updatedAt = max(Self.date(item["updatedAt"]) ?? createdAt, record?.updatedAt ?? createdAt)
            let lastSequence = item["lastSequence"]?.int64Value ?? 0
            listed.insert(owner + "\u{0}" + guid)
            listings.append(ProjectListing(
                project: ProjectRecord(
                    guid: guid, userId: owner, name: item["name"]?.stringValue ?? ProjectRecord.unnamedProject,
                    createdAt: createdAt, updatedAt: updatedAt),
                resourceCount: record?.awsResources.count ?? 0,
                lastEvent: lastSequence > 0 ? try await lastEvent(guid: guid) : nil))
        }
        for (key, record) in resources where !listed.contains(key) {
            listings.append(ProjectListing(
                project: ProjectRecord(
                    guid: record.projectId, userId: record.userId, name: record.projectName,
                    createdAt: record.createdAt, updatedAt: record.updatedAt),
                resourceCount: record.awsResources.count, lastEvent: nil))
        }
        return listings
            .filter { userId == nil || $0.project.userId == userId }
            .sorted { $0.project.updatedAt == $1.project.updatedAt ? $0.project.guid < $1.project.guid : $0.project.updatedAt > $1.project.updatedAt }
    }

    public func lastEvent(guid: String) async throws -> StoredEvent? {
        let page = try await storage("read the last event of \(guid)") {
            try await client.query(
                table: tables.events, keyCondition: "guid = :guid", values: [":guid": .string(guid)],
                scanIndexForward: false, limit: 1)
        }
        guard let item = page.items.first, let sequence = item["sequence"]?.int64Value else { return nil }
        return StoredEvent(
            sequence: sequence, guid: guid,
            kind: item["type"]?.stringValue.flatMap(EventKind.init(rawValue:)) ?? .status,
            message: item["message"]?.stringValue, data: item["data"]?.json.objectValue,
            receivedAt: Self.date(item["receivedAt"]) ?? Date(timeIntervalSince1970: 0))
    }

    /// The resources of `guid` wherever they are in the resources table: seed 003's client files
    /// them under a user this ledger never saw, so only the guid is known. Reads the whole table
    /// (its key starts with the user); the newest item wins when several users hold the guid.
    func resourcesUnderAnyUser(guid: String) async throws -> ResourceRecord? {
        let items = try await storage("look for the resources of \(guid)") {
            try await client.scanAll(table: tables.resources, pageSize: pageSize)
        }
        return items.lazy.filter { $0["projectId"]?.stringValue == guid }
            .compactMap(Self.resourceRecord)
            .max { $0.updatedAt < $1.updatedAt }
    }
}
