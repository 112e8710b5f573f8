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

    @Test func collidingHashesAndGrowthKeepEveryAnswerAndTheLimitEmptiesTheTable() {
        var seen = SeenLines(limit: 5_000)
        // One hash under 200 token counts: every insert lands on the same slot and probes on.
        for tokens in 0..<200 { seen.insert(count: tokens, hash: 0xDEAD_BEEF, id: Int32(tokens)) }
        // Distinct hashes, enough to grow the table several times past its first 1,024 slots.
        for i in 0..<3_800 { seen.insert(count: 5, hash: UInt64(i) &* 0x1234_5678_9ABC_DEF1, id: Int32(1_000 + i)) }
        #expect(seen.count == 4_000)
        #expect((0..<200).allSatisfy { seen.lookup(count: $0, hash: 0xDEAD_BEEF) == Int32($0) })
        #expect((0..<3_800).allSatisfy { seen.lookup(count: 5, hash: UInt64($0) &* 0x1234_5678_9ABC_DEF1) == Int32(1_000 + $0) })
        #expect(seen.lookup(count: 200, hash: 0xDEAD_BEEF) == nil)
        // A known line answers with its newest template.
        seen.insert(count: 7, hash: 0xDEAD_BEEF, id: 99)
        #expect(seen.lookup(count: 7, hash: 0xDEAD_BEEF) == 99)
        #expect(seen.count == 4_000)
        // Full at 5,000: the next new line empties the table before it goes in.
        for i in 0..<1_001 { seen.insert(count: 1, hash: UInt64(i) | 1 << 63, id: Int32(i)) }
        #expect(seen.count == 1)
        #expect(seen.lookup(count: 7, hash: 0xDEAD_BEEF) == nil)
        #expect(seen.lookup(count: 1, hash: 999 | 1 << 63) == nil)
        #expect(seen.lookup(count: 1, hash: 1_000 | 1 << 63) == 1_000)
    }

    @Test func aZeroLimitRemembersNothing() {
        var seen = SeenLines(limit: 0)
        seen.insert(count: 1, hash: 1, id: 1)
        #expect(seen.lookup(count: 1, hash: 1) == nil)
    }
}
