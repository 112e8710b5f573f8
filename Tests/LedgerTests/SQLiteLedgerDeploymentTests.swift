import Foundation
import Testing
@testable import Ledger

@Suite struct SQLiteLedgerDeploymentTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func deployment(_ id: String, project: String = "/srv/app", startedAt offset: TimeInterval, status: DeploymentStatus = .running) -> DeploymentRecord {
        DeploymentRecord(id: id, projectId: project, name: "app", target: .local, status: status, imageTag: "app:deploy_\(id)",
                         commit: "abc123", port: 8100, url: "http://127.0.0.1:8100", startedAt: t0.addingTimeInterval(offset),
                         finishedAt: t0.addingTimeInterval(offset + 30), error: nil, logExcerpt: "step 1/3\nok", rollbackOf: nil, ownerPID: 4242)
    }

    @Test func deploymentsRoundTripNewestFirst() async throws {
        let dir = try TemporaryDirectory()
        let ledger = try SQLiteLedger(path: dir.path("ledger.sqlite"))
        try await ledger.save(deployment("d1", startedAt: 0))
        try await ledger.save(deployment("d2", startedAt: 60))
        try await ledger.save(deployment("d3", project: "/srv/other", startedAt: 120, status: .failed))
        var replaced = deployment("d1", startedAt: 0, status: .rolledBack)
        replaced.rollbackOf = "d0"
        replaced.finishedAt = nil
        try await ledger.save(replaced)

        #expect(try await ledger.deployment(id: "d1") == replaced)
        #expect(try await ledger.deployment(id: "missing") == nil)
        #expect(try await ledger.deployments(projectId: "/srv/app", limit: nil).map(\.id) == ["d2", "d1"])
        #expect(try await ledger.deployments(projectId: "/srv/app", limit: 1).map(\.id) == ["d2"])
        #expect(try await ledger.allDeployments(limit: nil).map(\.id) == ["d3", "d2", "d1"])
    }

    @Test func concurrentCallersNeverShareAPort() async throws {
        let dir = try TemporaryDirectory()
        let ledger = try SQLiteLedger(path: dir.path("ledger.sqlite"))
        let ports = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<20 {
                group.addTask {
                    try await ledger.allocatePort(in: 8100...8199, deploymentId: "d\(index)", projectId: "p", at: self.t0) { _ in true }.port
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(Set(ports).count == 20)
        #expect(Set(ports) == Set(8100..<8120))
        #expect(try await ledger.portAllocations().count == 20)
    }

    @Test func portsTheHostUsesAreSkippedAndReleasedPortsReturn() async throws {
        let ledger = try SQLiteLedger.inMemory()
        let first = try await ledger.allocatePort(in: 9000...9003, deploymentId: "a", projectId: "p", at: t0) { $0 != 9000 }
        #expect(first.port == 9001)
        // Asking again for the same deployment returns what it holds.
        #expect(try await ledger.allocatePort(in: 9000...9003, deploymentId: "a", projectId: "p", at: t0) { _ in true }.port == 9001)
        let second = try await ledger.allocatePort(in: 9000...9003, deploymentId: "b", projectId: "p", at: t0) { _ in true }
        #expect(second.port == 9000)
        try await ledger.releasePort(deploymentId: "a")
        let third = try await ledger.allocatePort(in: 9000...9003, deploymentId: "c", projectId: "p", at: t0) { _ in true }
        #expect(third.port == 9001)
        #expect(try await ledger.portAllocations().map(\.deploymentId) == ["b", "c"])
    }

    @Test func aFullRangeSaysSo() async throws {
        let ledger = try SQLiteLedger.inMemory()
        _ = try await ledger.allocatePort(in: 9000...9000, deploymentId: "a", projectId: "p", at: t0) { _ in true }
        let error = await #expect(throws: LedgerError.self) {
            try await ledger.allocatePort(in: 9000...9001, deploymentId: "b", projectId: "p", at: self.t0) { $0 != 9001 }
        }
        #expect(error?.code == .noFreePort)
        #expect(error?.description.contains("9000") == true)
    }

    @Test func aDeployLockHasOneHolder() async throws {
        let ledger = try SQLiteLedger.inMemory()
        let mine = DeployLock(projectId: "p", deploymentId: "d1", holder: "pid 1 on host a", since: t0)
        let theirs = DeployLock(projectId: "p", deploymentId: "d2", holder: "pid 2 on host b", since: t0)
        #expect(try await ledger.acquireDeployLock(mine) == nil)
        #expect(try await ledger.acquireDeployLock(mine) == nil)
        #expect(try await ledger.acquireDeployLock(theirs) == mine)
        // Releasing someone else's lock does nothing.
        try await ledger.releaseDeployLock(projectId: "p", deploymentId: "d2")
        #expect(try await ledger.acquireDeployLock(theirs) == mine)
        try await ledger.releaseDeployLock(projectId: "p", deploymentId: "d1")
        #expect(try await ledger.acquireDeployLock(theirs) == nil)
    }
}
