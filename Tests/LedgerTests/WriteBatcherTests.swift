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

    @Test func callersArrivingDuringAWriteShareTheNextTransaction() async throws {
        let log = Log()
        let batcher = WriteBatcher<Int, Int>(maxBatch: 512) { batch in
            await log.add(batch)
            // A slow write: everyone else arrives while it runs.
            try? await Task.sleep(for: .milliseconds(50))
            return batch.map { .success($0) }
        }
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for item in 1...60 {
                group.addTask { try await batcher.submit(item) }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(results.sorted() == Array(1...60))
        let batches = await log.batches
        #expect(batches.flatMap { $0 }.sorted() == Array(1...60))
        // Grouped: far fewer transactions than callers (one each would be 60).
        #expect(batches.count <= 10, "\(batches.map(\.count))")
    }

    @Test func oneCallerAfterAnotherEachLeadsItsOwnBatch() async throws {
        let log = Log()
        let batcher = WriteBatcher<Int, String>(maxBatch: 8) { batch in
            await log.add(batch)
            return batch.map { .success("#\($0)") }
        }
        for item in 1...5 {
            #expect(try await batcher.submit(item) == "#\(item)")
        }
        #expect(await log.batches == [[1], [2], [3], [4], [5]])
    }
}
