import AWS
import Foundation
import JSON

// MARK: - DeploymentStore

extension DynamoDBLedger {
    public func save(_ deployment: DeploymentRecord) async throws {
        try await storage("save deployment \(deployment.id)") {
            try await client.putItem(table: tables.deployments, item: Self.item(deployment))
        }
    }

    public func deployment(id: String) async throws -> DeploymentRecord? {
        let item = try await storage("read deployment \(id)") { try await client.getItem(table: tables.deployments, key: ["id": .string(id)]) }
        return try item.map { try deploymentRecord($0) }
    }

    public func deployments(projectId: String, limit: Int?) async throws -> [DeploymentRecord] {
        if let limit, limit <= 0 { return [] }
        let items = try await storage("read the deployments of \(projectId)") {
            try await client.queryAll(
                table: tables.deployments, index: Self.deploymentsByProject, keyCondition: "projectId = :project",
                values: [":project": .string(projectId)], scanIndexForward: false, limit: limit, pageSize: pageSize)
        }
        return try Self.newestFirst(items.map { try deploymentRecord($0) }, limit: limit)
    }

    public func allDeployments(limit: Int?) async throws -> [DeploymentRecord] {
        if let limit, limit <= 0 { return [] }
        let items = try await storage("read the deployments") { try await client.scanAll(table: tables.deployments, pageSize: pageSize) }
        return try Self.newestFirst(items.map { try deploymentRecord($0) }, limit: limit)
    }

    public func allocatePort(
        in range: ClosedRange<Int>, deploymentId: String, projectId: String, at date: Date,
        isFree: @Sendable (Int) async -> Bool
    ) async throws -> PortAllocation {
        if let existing = try await portAllocations().first(where: { $0.deploymentId == deploymentId }) {
            return existing
        }
        let taken = Set(try await portAllocations().map(\.port))
        for port in range where !taken.contains(port) {
            guard await isFree(port) else { continue }
            let allocation = PortAllocation(port: port, deploymentId: deploymentId, projectId: projectId, allocatedAt: date)
            do {
                // The condition decides between concurrent callers: the loser moves on to the next port.
                try await client.putItem(
                    table: tables.ports,
                    item: [
                        "port": .number(String(port)), "deploymentId": .string(deploymentId),
                        "projectId": .string(projectId), "allocatedAt": .string(Self.timeString(date)),
                    ],
                    condition: "attribute_not_exists(port)")
                return allocation
            } catch let error as AWSError where error.isConditionalCheckFailed {
                continue
            } catch let error as AWSError {
                throw ledgerError(error, doing: "allocate port \(port)")
            }
        }
        throw LedgerError(.noFreePort, "every port from \(range.lowerBound) to \(range.upperBound) is taken; stop or remove a deployment to free one")
    }

    public func releasePort(deploymentId: String) async throws {
        for allocation in try await portAllocations() where allocation.deploymentId == deploymentId {
            do {
                try await client.deleteItem(
                    table: tables.ports, key: ["port": .number(String(allocation.port))],
                    condition: "deploymentId = :deployment", values: [":deployment": .string(deploymentId)])
            } catch let error as AWSError where error.isConditionalCheckFailed {
                // Released and handed to someone else meanwhile: theirs now.
            } catch let error as AWSError {
                throw ledgerError(error, doing: "release port \(allocation.port)")
            }
        }
    }

    public func portAllocations() async throws -> [PortAllocation] {
        let items = try await storage("read the port allocations") { try await client.scanAll(table: tables.ports, pageSize: pageSize) }
        return items.compactMap { item -> PortAllocation? in
            guard let port = item["port"]?.int64Value, let deploymentId = item["deploymentId"]?.stringValue else { return nil }
            return PortAllocation(
                port: Int(port), deploymentId: deploymentId, projectId: item["projectId"]?.stringValue ?? "",
                allocatedAt: Self.date(item["allocatedAt"]) ?? Date(timeIntervalSince1970: 0))
        }.sorted { $0.port < $1.port }
    }

    public func acquireDeployLock(_ lock: DeployLock) async throws -> DeployLock? {
        let item: DynamoDBItem = [
            "projectId": .string(lock.projectId), "deploymentId": .string(lock.deploymentId),
            "holder": .string(lock.holder), "since": .string(Self.timeString(lock.since)),
        ]
        // A lock released between our failed write and our read is free again: try once more.
        for _ in 0..<maxMergeAttempts {
            do {
                try await client.putItem(table: tables.locks, item: item, condition: "attribute_not_exists(projectId)")
                return nil
            } catch let error as AWSError where error.isConditionalCheckFailed {
                // Held: by whom?
            } catch let error as AWSError {
                throw ledgerError(error, doing: "take the deploy lock of \(lock.projectId)")
            }
            guard let held = try await storage("read the deploy lock of \(lock.projectId)", {
                try await client.getItem(table: tables.locks, key: ["projectId": .string(lock.projectId)])
            }) else { continue }
            let holder = DeployLock(
                projectId: lock.projectId, deploymentId: held["deploymentId"]?.stringValue ?? "",
                holder: held["holder"]?.stringValue ?? "unknown holder", since: Self.date(held["since"]) ?? Date(timeIntervalSince1970: 0))
            return holder.deploymentId == lock.deploymentId ? nil : holder
        }
        throw LedgerError(.storage, "the deploy lock of \(lock.projectId) kept changing hands; try again")
    }

    public func releaseDeployLock(projectId: String, deploymentId: String) async throws {
        do {
            try await client.deleteItem(
                table: tables.locks, key: ["projectId": .string(projectId)],
                condition: "deploymentId = :deployment", values: [":deployment": .string(deploymentId)])
        } catch let error as AWSError where error.isConditionalCheckFailed {
            // Someone else's lock, or none: leave it.
        } catch let error as AWSError {
            throw ledgerError(error, doing: "release the deploy lock of \(projectId)")
        }
    }

    // MARK: - Items

    static func newestFirst(_ records: [DeploymentRecord], limit: Int?) -> [DeploymentRecord] {
        let sorted = records.sorted { $0.startedAt == $1.startedAt ? $0.id > $1.id : $0.startedAt > $1.startedAt }
        return limit.map { Array(sorted.prefix($0)) } ?? sorted
    }

    static func item(_ deployment: DeploymentRecord) -> DynamoDBItem {
        var item: DynamoDBItem = [
            "id": .string(deployment.id), "projectId": .string(deployment.projectId), "name": .string(deployment.name),
            "target": .string(deployment.target.rawValue), "status": .string(deployment.status.rawValue),
            "startedAt": .string(timeString(deployment.startedAt)),
        ]
        let optional: [(String, DynamoDBValue?)] = [
            ("imageTag", deployment.imageTag.map(DynamoDBValue.string)),
            ("commit", deployment.commit.map(DynamoDBValue.string)),
            ("port", deployment.port.map { .number(String($0)) }),
            ("url", deployment.url.map(DynamoDBValue.string)),
            ("finishedAt", deployment.finishedAt.map { .string(timeString($0)) }),
            ("error", deployment.error.map(DynamoDBValue.string)),
            ("logExcerpt", deployment.logExcerpt.map(DynamoDBValue.string)),
            ("rollbackOf", deployment.rollbackOf.map(DynamoDBValue.string)),
            ("ownerPID", deployment.ownerPID.map { .number(String($0)) }),
            ("taskDefinition", deployment.taskDefinition.map(DynamoDBValue.string)),
            ("imageDigest", deployment.imageDigest.map(DynamoDBValue.string)),
            ("source", deployment.source.map(DynamoDBValue.string)),
            ("commitSubject", deployment.commitSubject.map(DynamoDBValue.string)),
            ("dirty", deployment.dirty.map(DynamoDBValue.bool)),
            ("environment", deployment.environment.map(DynamoDBValue.string)),
        ]
        for (name, value) in optional {
            if let value { item[name] = value }
        }
        return item
    }

    func deploymentRecord(_ item: DynamoDBItem) throws -> DeploymentRecord {
        let id = item["id"]?.stringValue ?? "?"
        guard let target = item["target"]?.stringValue.flatMap(DeployTargetKind.init(rawValue:)),
            let status = item["status"]?.stringValue.flatMap(DeploymentStatus.init(rawValue:))
        else {
            throw LedgerError(.storage, "deployment \(id) in DynamoDB table \(tables.deployments) has an unknown target or status; is this ledger from a newer deployotron?")
        }
        return DeploymentRecord(
            id: id, projectId: item["projectId"]?.stringValue ?? "", name: item["name"]?.stringValue ?? "",
            target: target, status: status,
            imageTag: item["imageTag"]?.stringValue, commit: item["commit"]?.stringValue,
            port: item["port"]?.int64Value.map { Int($0) }, url: item["url"]?.stringValue,
            startedAt: Self.date(item["startedAt"]) ?? Date(timeIntervalSince1970: 0),
            finishedAt: Self.date(item["finishedAt"]),
            error: item["error"]?.stringValue, logExcerpt: item["logExcerpt"]?.stringValue,
            rollbackOf: item["rollbackOf"]?.stringValue,
            ownerPID: item["ownerPID"]?.int64Value.map { Int32(truncatingIfNeeded: $0) },
            taskDefinition: item["taskDefinition"]?.stringValue, imageDigest: item["imageDigest"]?.stringValue,
            source: item["source"]?.stringValue, commitSubject: item["commitSubject"]?.stringValue, dirty: item["dirty"]?.boolValue,
            environment: item["environment"]?.stringValue)
    }
}
