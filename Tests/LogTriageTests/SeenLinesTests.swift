import Testing
@testable import LogTriage

@Suite struct SeenLinesTests {
    @Test func aHashAnswersOnlyForItsTokenCount() {
        var seen = SeenLines(limit: 100)
        seen.insert(count: 3, hash: 42, id: 7)
        #expect(seen.lookup(count: 3, hash: 42) == 7)
        #expect(seen.lookup(count: 4, hash: 42) == nil)
        seen.insert(count: 4, hash: 42, id: 9)
        #expect(seen.lookup(count: 3, hash: 42) == 7)
        #expect(seen.lookup(count: 4, hash: 42) == 9)
        #expect(seen.count == 2)
    }

    @Test func growingKeepsEveryAnswerAndTheLimitEmptiesTheTable() {
        var seen = SeenLines(limit: 5_000)
        // Hashes that differ only in their high bits probe the same slots at first.
        for i in 0..<4_000 { seen.insert(count: i % 7, hash: UInt64(i) << 40 | 1, id: Int32(i)) }
        #expect(seen.count == 4_000)
        #expect((0..<4_000).allSatisfy { seen.lookup(count: $0 % 7, hash: UInt64($0) << 40 | 1) == Int32($0) })
        for i in 4_000..<5_001 { seen.insert(count: 1, hash: UInt64(i) &* 0x1234_5678_9ABC_DEF1, id: Int32(i)) }
        #expect(seen.count == 1)
        #expect(seen.lookup(count: 0, hash: 1) == nil)
        #expect(seen.lookup(count: 1, hash: UInt64(5_000) &* 0x1234_5678_9ABC_DEF1) == 5_000)
    }

    @Test func aZeroLimitRemembersNothing() {
        var seen = SeenLines(limit: 0)
        seen.insert(count: 1, hash: 1, id: 1)
        #expect(seen.lookup(count: 1, hash: 1) == nil)
    }
}
