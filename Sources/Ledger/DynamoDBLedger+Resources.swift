import AWS
import Foundation
import JSON

// MARK: - ResourceStore

extension DynamoDBLedger {
    @discardableResult
    public func registerProject(guid: String, userId: String, name: String, at date: Date) async throws -> ProjectRecord {
        guard !guid.isEmpty else { throw LedgerError(.invalidInput, "a project needs a non-empty guid") }
        let now = DynamoDBValue.string(Self.timeString(date))
        let old = try await storage("register project \(guid)") {
            try await client.updateItem(
                table: tables.projects, key: ["guid": .string(guid)],
                update: "SET userId = :user, #name = :name, registered = :true, updatedAt = :now, createdAt = if_not_exists(createdAt, :now)",
                names: ["#name": "name"],
                values: [":user": .string(userId), ":name": .string(name), ":true": .bool(true), ":now": now],
                returnValues: .allOld)
        }
        let createdAt = Self.date(old?["createdAt"]) ?? date
        // The resources item is keyed by user: follow the project when it changes hands or names.
        let oldUser = old?["userId"]?.stringValue ?? ProjectRecord.unknownUser
        let oldName = old?["name"]?.stringValue
        if oldUser != userId || oldName != name {
            try await moveResources(guid: guid, from: oldUser, to: userId, name: name)
        }
        return ProjectRecord(guid: guid, userId: userId, name: name, createdAt: createdAt, updatedAt: date)
    }

    public func project(guid: String) async throws -> ProjectRecord? {
        guard let item = try await storage("read project \(guid)", { try await client.getItem(table: tables.projects, key: ["guid": .string(guid)]) }),
            let userId = item["userId"]?.stringValue
        else { return nil }
        let createdAt = Self.date(item["createdAt"]) ?? Date(timeIntervalSince1970: 0)
        return ProjectRecord(
            guid: guid, userId: userId, name: item["name"]?.stringValue ?? ProjectRecord.unnamedProject,
            createdAt: createdAt, updatedAt: Self.date(item["updatedAt"]) ?? createdAt)
    }

    @discardableResult
    public func record(_ event: NotifyEvent, at date: Date) async throws -> StoredEvent {
        try Self.validate(event)
        return try await batcher.submit(PendingEvent(event: event, date: date))
    }

    public func resources(guid: String) async throws -> ResourceRecord? {
        let userId = try await project(guid: guid)?.userId ?? ProjectRecord.unknownUser
        let item = try await storage("read the resources of \(guid)") {
            try await client.getItem(table: tables.resources, key: Self.resourceKey(userId: userId, guid: guid))
        }
        if let item { return Self.resourceRecord(item) }
        // Filed by another client (seed 003's) under a user this ledger does not know.
        return try await resourcesUnderAnyUser(guid: guid)
    }

    public func resources(userId: String) async throws -> [ResourceRecord] {
        let items = try await storage("read the projects of user \(userId)") {
            try await client.queryAll(table: tables.resources, keyCondition: "userId = :user", values: [":user": .string(userId)], pageSize: pageSize)
        }
        return items.compactMap(Self.resourceRecord).sorted {
            $0.createdAt == $1.createdAt ? $0.projectId < $1.projectId : $0.createdAt < $1.createdAt
        }
    }

    public func events(guid: String, after sequence: Int64?, limit: Int?) async throws -> [StoredEvent] {
        if let limit, limit <= 0 { return [] }
        let items = try await storage("read the events of \(guid)") {
            try await client.queryAll(
                table: tables.events, keyCondition: "guid = :guid AND #sequence > :after",
                names: ["#sequence": "sequence"], values: [":guid": .string(guid), ":after": .number(String(sequence ?? 0))],
                limit: limit, pageSize: pageSize)
        }
        return try items.map { item in
            guard let number = item["sequence"]?.int64Value else {
                throw LedgerError(.storage, "an event of \(guid) in DynamoDB table \(tables.events) has no numeric sequence")
            }
            return StoredEvent(
                sequence: number, guid: guid,
                kind: item["type"]?.stringValue.flatMap(EventKind.init(rawValue:)) ?? .status,
                message: item["message"]?.stringValue,
                data: item["data"]?.json.objectValue,
                receivedAt: Self.date(item["receivedAt"]) ?? Date(timeIntervalSince1970: 0))
        }
    }

    // MARK: - Resources item

    static func resourceKey(userId: String, guid: String) -> DynamoDBItem {
        ["userId": .string(userId), "projectId": .string(guid)]
    }

    /// Seed 003's item; one written by other tools may lack fields, which get neutral values.
    static func resourceRecord(_ item: DynamoDBItem) -> ResourceRecord? {
        guard let userId = item["userId"]?.stringValue, let guid = item["projectId"]?.stringValue else { return nil }
        let createdAt = date(item["createdAt"]) ?? date(item["updatedAt"]) ?? Date(timeIntervalSince1970: 0)
        return ResourceRecord(
            userId: userId, projectId: guid,
            projectName: item["projectName"]?.stringValue ?? ProjectRecord.unnamedProject,
            awsResources: item["awsResources"]?.json.objectValue ?? [:],
            createdAt: createdAt, updatedAt: date(item["updatedAt"]) ?? createdAt)
    }

    /// Keys set by one UpdateItem: DynamoDB refuses update expressions over 4 KB, and a batch of
    /// reports (or one large report) can name hundreds of resources.
    static let keysPerMerge = 50

    /// Sets each reported key inside `awsResources`, keeping the keys nobody named, so two merges
    /// racing each other both land; `keysPerMerge` keys to a call.
    static func mergeResources(
        guid: String, userId: String, name: String, data: [String: JSONValue], now: DynamoDBValue, tables: Tables, client: DynamoDBClient
    ) async throws {
        for chunk in mergeChunks(data) {
            try await mergeResourceKeys(guid: guid, userId: userId, name: name, data: chunk, now: now, tables: tables, client: client)
        }
    }

    /// `data` in parts of at most `keysPerMerge` keys; an empty report is one empty part (it still
    /// names the project and moves updatedAt).
    static func mergeChunks(_ data: [String: JSONValue]) -> [[String: JSONValue]] {
        let entries = data.sorted { $0.key < $1.key }
        return stride(from: 0, to: max(entries.count, 1), by: keysPerMerge).map { start in
            Dictionary(uniqueKeysWithValues: entries[start..<min(start + keysPerMerge, entries.count)].map { ($0.key, $0.value) })
        }
    }

    /// The update expression of one merge of `keyCount` keys (named `#k0`, `:v0`, ...).
    static func mergeExpression(keyCount: Int) -> String {
        "SET " + (["projectName = :name", "updatedAt = :now", "createdAt = if_not_exists(createdAt, :now)"]
            + (0..<keyCount).map { "#resources.#k\($0) = :v\($0)" }).joined(separator: ", ")
    }

    /// One merge of at most `keysPerMerge` keys. The map is created first (conditionally) when the
    /// item has none.
    private static func mergeResourceKeys(
        guid: String, userId: String, name: String, data: [String: JSONValue], now: DynamoDBValue, tables: Tables, client: DynamoDBClient
    ) async throws {
        let key = Self.resourceKey(userId: userId, guid: guid)
        var names = ["#resources": "awsResources"]
        var values: DynamoDBItem = [":name": .string(name), ":now": now, ":map": .string("M")]
        for (index, entry) in data.sorted(by: { $0.key < $1.key }).enumerated() {
            names["#k\(index)"] = entry.key
            values[":v\(index)"] = DynamoDBValue(entry.value)
        }
        let update = mergeExpression(keyCount: data.count)
        for _ in 0..<maxMergeAttempts {
            do {
                try await client.updateItem(
                    table: tables.resources, key: key, update: update,
                    condition: "attribute_type(#resources, :map)", names: names, values: values,
                    returnValues: .none)
                return
            } catch let error as AWSError where error.isConditionalCheckFailed {
                // No map yet (or something that is not a map): write the whole map, unless someone just did.
            } catch let error as AWSError {
                throw ledgerError(error, doing: "merge the resources of \(guid)", tables: tables)
            }
            do {
                try await client.updateItem(
                    table: tables.resources, key: key,
                    update: "SET #resources = :all, projectName = :name, updatedAt = :now, createdAt = if_not_exists(createdAt, :now)",
                    condition: "attribute_not_exists(#resources) OR NOT attribute_type(#resources, :map)",
                    names: ["#resources": "awsResources"],
                    values: [":all": DynamoDBValue(.object(data)), ":name": .string(name), ":now": now, ":map": .string("M")],
                    returnValues: .none)
                return
            } catch let error as AWSError where error.isConditionalCheckFailed {
                continue
            } catch let error as AWSError {
                throw ledgerError(error, doing: "save the resources of \(guid)", tables: tables)
            }
        }
        throw LedgerError(.storage, "could not merge the resources of \(guid) in DynamoDB: \(maxMergeAttempts) attempts lost a race; try again")
    }

    /// Re-keys the resources item under the project's new owner and name, keeping what it holds.
    func moveResources(guid: String, from oldUser: String, to newUser: String, name: String) async throws {
        let oldKey = Self.resourceKey(userId: oldUser, guid: guid)
        try await storage("move the resources of \(guid) to user \(newUser)") {
            if oldUser == newUser {
                do {
                    try await client.updateItem(
                        table: tables.resources, key: oldKey, update: "SET projectName = :name", condition: "attribute_exists(projectId)",
                        values: [":name": .string(name)], returnValues: .none)
                } catch let error as AWSError where error.isConditionalCheckFailed {
                    // No resources reported yet: nothing to rename.
                }
                return
            }
            guard var item = try await client.getItem(table: tables.resources, key: oldKey) else { return }
            item["userId"] = .string(newUser)
            item["projectName"] = .string(name)
            try await client.putItem(table: tables.resources, item: item)
            try await client.deleteItem(table: tables.resources, key: oldKey)
        }
    }
}
