import Foundation
import GRDB
import JSON
import Testing
@testable import Ledger

/// The event writer remembers each project's last sequence number and merged resources between
/// batches; these tests change the file under it and check that it never writes from stale memory.
@Suite struct SQLiteLedgerRecordingTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func twoLedgersTakingTurnsOnOneFileKeepEverySequenceAndKey() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("shared.sqlite")
        // Two connections to one file, as two processes (a server and a REPL) would have.
        let first = try SQLiteLedger(path: path)
        let second = try SQLiteLedger(path: path)
        var sequences: [Int64] = []
        for index in 0..<6 {
            let ledger = index.isMultiple(of: 2) ? first : second
            let stored = try await ledger.record(NotifyEvent(guid: "g", kind: .resources, data: ["key\(index)": .number(Double(index))]), at: t0)
            sequences.append(stored.sequence)
        }
        #expect(sequences == [1, 2, 3, 4, 5, 6])
        let record = try #require(try await first.resources(guid: "g"))
        #expect(record.awsResources.keys.sorted() == (0..<6).map { "key\($0)" })
    }

    @Test func twoLedgersWritingAtOnceLoseNothing() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("shared.sqlite")
        let ledgers = [try SQLiteLedger(path: path), try SQLiteLedger(path: path)]
        let perLedger = 300
        let guids = ["a", "b", "c"]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (which, ledger) in ledgers.enumerated() {
                for index in 0..<perLedger {
                    group.addTask {
                        let guid = guids[index % guids.count]
                        try await ledger.record(NotifyEvent(guid: guid, kind: .resources, data: ["l\(which)-\(index)": true]), at: t0)
                    }
                }
            }
            try await group.waitForAll()
        }
        var keys = 0
        for guid in guids {
            let events = try await ledgers[0].events(guid: guid, after: nil, limit: nil)
            #expect(events.map(\.sequence) == Array(1...Int64(events.count)), "sequences of \(guid)")
            keys += try #require(try await ledgers[1].resources(guid: guid)).awsResources.count
        }
        #expect(keys == 2 * perLedger)
        #expect(try await ledgers[0].eventCount() == 2 * perLedger)
    }

    @Test func anEventThatFailsInABatchTakesNoSequenceAndTheOthersGoIn() async throws {
        let dir = try TemporaryDirectory()
        let ledger = try SQLiteLedger(path: dir.path("ledger.sqlite"))
        // A trigger stands in for whatever could make one event of a batch fail.
        try await ledger.writer.write { db in
            try db.execute(sql: "CREATE TRIGGER poison BEFORE INSERT ON event WHEN NEW.message = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END")
        }
        let outcomes = await withTaskGroup(of: (poisoned: Bool, sequence: Int64?).self) { group in
            for index in 0..<200 {
                group.addTask {
                    let poisoned = index % 5 == 2
                    let event = NotifyEvent(guid: "g", kind: .status, message: poisoned ? "poison" : "step \(index)")
                    return (poisoned, try? await ledger.record(event, at: t0).sequence)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter(\.poisoned).allSatisfy { $0.sequence == nil })
        let stored = outcomes.filter { !$0.poisoned }.compactMap(\.sequence)
        #expect(stored.count == 160)
        // The failed ones gave their numbers back: the log has no gaps.
        #expect(stored.sorted() == Array(1...160))
        let next = try await ledger.record(NotifyEvent(guid: "g", kind: .done, message: "ok"), at: t0)
        #expect(next.sequence == 161)
    }

    @Test func anotherWriteOnTheSameLedgerClearsTheMemory() async throws {
        let ledger = try SQLiteLedger.inMemory()
        try await ledger.record(NotifyEvent(guid: "g", kind: .resources, data: ["a": 1]), at: t0)
        #expect(ledger.memory.recall(dataVersion: try await dataVersion(ledger)).isEmpty == false)
        try await ledger.registerProject(guid: "g", userId: "ann", name: "shop", at: t0)
        #expect(ledger.memory.recall(dataVersion: try await dataVersion(ledger)).isEmpty)
        try await ledger.record(NotifyEvent(guid: "g", kind: .resources, data: ["b": 2]), at: t0)
        #expect(try await ledger.resources(guid: "g")?.awsResources == ["a": 1, "b": 2])
        #expect(try await ledger.resources(guid: "g")?.userId == "ann")
    }

    private func dataVersion(_ ledger: SQLiteLedger) async throws -> Int64 {
        try await ledger.writer.write { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }
}
