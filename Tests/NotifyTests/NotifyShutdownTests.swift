import Foundation
import ServiceLifecycle
import Ledger
import NIOCore
import Notify
import Testing

@Suite struct NotifyShutdownTests {
    actor Acknowledged {
        var sequences: Set<Int> = []
        /// Records a sequence; true exactly once, when the count reaches `threshold`.
        func add(_ sequence: Int, threshold: Int) -> Bool {
            sequences.insert(sequence)
            return sequences.count == threshold
        }
    }

    @Test func aGracefulShutdownLosesNothingAcknowledged() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteLedger(path: dir.path("l.sqlite"))
        let acknowledged = Acknowledged()
        try await LiveServer.with(store: store) { server in
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        for index in 0..<40 {
                            guard let reply = try? await server.post(#"{"guid":"stop","type":"resources","data":{"w\#(worker)":\#(index)}}"#, timeout: .seconds(5)) else { return }
                            if reply.status == 200, let sequence = reply.json?["sequence"] as? Int {
                                if await acknowledged.add(sequence, threshold: 100) {
                                    // Shut down while the other workers are mid-request.
                                    await server.group.triggerGracefulShutdown()
                                }
                            }
                        }
                    }
                }
            }
        }
        let acked = await acknowledged.sequences
        #expect(acked.count >= 100)
        let stored = Set(try await store.events(guid: "stop", after: nil, limit: nil).map { Int($0.sequence) })
        #expect(acked.isSubset(of: stored))
    }
}
