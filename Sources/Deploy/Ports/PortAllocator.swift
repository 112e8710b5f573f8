import Foundation
import Ledger

/// Hands out host ports for deployments from 20000-40000, persisted in the ledger.
///
/// The ledger guarantees two deployments never hold the same port; the host check keeps
/// ports other programs listen on out of the way.
public struct PortAllocator: Sendable {
    public static let defaultRange = 20000...40000

    public let store: any DeploymentStore
    public let availability: any PortAvailability
    public let range: ClosedRange<Int>

    public init(store: any DeploymentStore, availability: any PortAvailability = SocketPortAvailability(), range: ClosedRange<Int> = PortAllocator.defaultRange) {
        self.store = store
        self.availability = availability
        self.range = range
    }

    public func allocate(deploymentId: String, projectId: String, at date: Date) async throws -> PortAllocation {
        let availability = self.availability
        do {
            return try await store.allocatePort(in: range, deploymentId: deploymentId, projectId: projectId, at: date) { port in
                await availability.isFree(port)
            }
        } catch let error as LedgerError where error.code == .noFreePort {
            throw DeployError(.invalidState, "no free port in \(range.lowerBound)-\(range.upperBound): remove deployments you no longer need (`deployotron remove ID`)")
        }
    }

    public func release(deploymentId: String) async throws {
        try await store.releasePort(deploymentId: deploymentId)
    }
}
