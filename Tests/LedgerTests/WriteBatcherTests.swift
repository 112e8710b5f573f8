import Foundation
import Testing
@testable import Ledger

@Suite struct WriteBatcherTests {
    actor Log {
        var batches: [[Int]] = []
        func add(_ batch: [Int]) { batches.append(batch) }
    }

    @Test func everyCallerGetsItsOwnResultAndFailuresStayApart() async throws {
        let log = Log()
        let batcher = WriteBatcher<Int, Int>(maxBatch: 16) { batch in
            await log.add(batch)
            return batch.map { $0 % 7 == 0 ? .failure(LedgerError(.storage, "seven divides \($0)")) : .success($0 * 10) }
        }
        let outcomes = await withTaskGroup(of: (Int, Int?).self) { group in
            for item in 1...300 {
                group.addTask { (item, try? await batcher.submit(item)) }
            }
            return await group.reduce(into: [Int: Int?]()) { $0[$1.0] = $1.1 }
        }
        for item in 1...300 {
            #expect(outcomes[item] == (item % 7 == 0 ? nil : item * 10))
        }
        let batches = await log.batches
        #expect(batches.flatMap { $0 }.sorted() == Array(1...300))
        #expect(batches.allSatisfy { $0.count <= 16 })
    }
}
