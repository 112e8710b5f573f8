import Foundation
import GRDB

// MARK: - DeploymentStore

extension SQLiteLedger {
    public func save(_ deployment: DeploymentRecord) async throws {
        try await write("save deployment \(deployment.id)") { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO deployment
                (id, projectId, name, target, status, imageTag, "commit", port, url, startedAt, finishedAt, error, logExcerpt, rollbackOf, ownerPID,
                 taskDefinition, imageDigest, source, commitSubject, dirty, environment)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    deployment.id, deployment.projectId, deployment.name, deployment.target.rawValue, deployment.status.rawValue,
                    deployment.imageTag, deployment.commit, deployment.port, deployment.url,
                    deployment.startedAt.timeIntervalSince1970, deployment.finishedAt?.timeIntervalSince1970,
                    deployment.error, deployment.logExcerpt, deployment.rollbackOf, deployment.ownerPID.map { Int64($0) },
                    deployment.taskDefinition, deployment.imageDigest, deployment.source, deployment.commitSubject, deployment.dirty,
                    deployment.environment,
                ])
        }
    }

    public func deployment(id: String) async throws -> DeploymentRecord? {
        try await read("read deployment \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM deployment WHERE id = ?", arguments: [id]).map(Self.deploymentRecord)
        }
    }

    public func deployments(projectId: String, limit: Int?) async throws -> [DeploymentRecord] {
        try await read("read the deployments of \(projectId)") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM deployment WHERE projectId = ? ORDER BY startedAt DESC, rowid DESC LIMIT ?", arguments: [projectId, limit ?? -1])
                .map(Self.deploymentRecord)
        }
    }

    public func allDeployments(limit: Int?) async throws -> [DeploymentRecord] {
        try await read("read the deployments") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM deployment ORDER BY startedAt DESC, rowid DESC LIMIT ?", arguments: [limit ?? -1])
                .map(Self.deploymentRecord)
        }
    }

    public func allocatePort(
        in range: ClosedRange<Int>, deploymentId: String, projectId: String, at date: Date,
        isFree: @Sendable (Int) async -> Bool
    ) async throws -> PortAllocation {
        if let existing = try await portAllocations().first(where: { $0.deploymentId == deploymentId }) {
            return existing
        }
        var candidate = range.lowerBound
        while candidate <= range.upperBound {
            let lower = candidate
            let taken = try await read("read the port allocations") { db in
                try Set(Int.fetchAll(db, sql: "SELECT port FROM portAllocation WHERE port BETWEEN ? AND ?", arguments: [lower, range.upperBound]))
            }
            guard let port = (lower...range.upperBound).first(where: { !taken.contains($0) }) else { break }
            candidate = port + 1
            guard await isFree(port) else { continue }
            // The primary key on port decides between concurrent callers: the loser moves on.
            let allocation = PortAllocation(port: port, deploymentId: deploymentId, projectId: projectId, allocatedAt: date)
            let won = try await write("allocate port \(port)") { db in
                try db.execute(sql: """
                    INSERT INTO portAllocation (port, deploymentId, projectId, allocatedAt) VALUES (?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """, arguments: [port, deploymentId, projectId, date.timeIntervalSince1970])
                return db.changesCount == 1
            }
            if won { return allocation }
            if let existing = try await portAllocations().first(where: { $0.deploymentId == deploymentId }) {
                return existing
            }
        }
        throw LedgerError(.noFreePort, "every port from \(range.lowerBound) to \(range.upperBound) is taken; stop or remove a deployment to free one")
    }

    public func releasePort(deploymentId: String) async throws {
        try await write("release the port of \(deploymentId)") { db in
            try db.execute(sql: "DELETE FROM portAllocation WHERE deploymentId = ?", arguments: [deploymentId])
        }
    }

    public func portAllocations() async throws -> [PortAllocation] {
        try await read("read the port allocations") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM portAllocation ORDER BY port").map { row in
                PortAllocation(port: row["port"], deploymentId: row["deploymentId"], projectId: row["projectId"],
                               allocatedAt: Date(timeIntervalSince1970: row["allocatedAt"]))
            }
        }
    }

    public func acquireDeployLock(_ lock: DeployLock) async throws -> DeployLock? {
        try await write("take the deploy lock of \(lock.projectId)") { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM deployLock WHERE projectId = ?", arguments: [lock.projectId]) {
                let held = DeployLock(projectId: row["projectId"], deploymentId: row["deploymentId"], holder: row["holder"],
                                      since: Date(timeIntervalSince1970: row["since"]))
                if held.deploymentId != lock.deploymentId { return held }
                return nil
            }
            try db.execute(sql: "INSERT INTO deployLock (projectId, deploymentId, holder, since) VALUES (?, ?, ?, ?)",
                           arguments: [lock.projectId, lock.deploymentId, lock.holder, lock.since.timeIntervalSince1970])
            return nil
        }
    }

    public func releaseDeployLock(projectId: String, deploymentId: String) async throws {
        try await write("release the deploy lock of \(projectId)") { db in
            try db.execute(sql: "DELETE FROM deployLock WHERE projectId = ? AND deploymentId = ?", arguments: [projectId, deploymentId])
        }
    }

    private static func deploymentRecord(_ row: Row) throws -> DeploymentRecord {
        let target: String = row["target"]
        let status: String = row["status"]
        let finished: Double? = row["finishedAt"]
        let pid: Int64? = row["ownerPID"]
        guard let kind = DeployTargetKind(rawValue: target), let state = DeploymentStatus(rawValue: status) else {
            throw LedgerError(.storage, "deployment \(row["id"] as String? ?? "?") has an unknown target \(target) or status \(status); is this ledger from a newer deployotron?")
        }
        return DeploymentRecord(
            id: row["id"], projectId: row["projectId"], name: row["name"], target: kind, status: state,
            imageTag: row["imageTag"], commit: row["commit"], port: row["port"], url: row["url"],
            startedAt: Date(timeIntervalSince1970: row["startedAt"]), finishedAt: finished.map(Date.init(timeIntervalSince1970:)),
            error: row["error"], logExcerpt: row["logExcerpt"], rollbackOf: row["rollbackOf"], ownerPID: pid.map { Int32($0) },
            taskDefinition: row["taskDefinition"], imageDigest: row["imageDigest"],
            source: row["source"], commitSubject: row["commitSubject"], dirty: row["dirty"], environment: row["environment"])
    }
}
