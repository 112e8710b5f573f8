/// The exact-match cache of `TemplateMiner`: masked lines seen before, keyed by token count and
/// line hash, and the template each went to.
///
/// An open-addressing table on the line hash the masked line already carries. `Dictionary`
/// would hash that hash again with SipHash on every line; this lookup is the first thing every
/// line does, so it costs a multiply and a probe instead. A hit needs the count and the hash
/// to match, so two shapes whose hashes collide but whose token counts differ never share an
/// answer. The table is emptied once it holds `limit` lines.
struct SeenLines {
    private var hashes: [UInt64] = []
    private var counts: [Int32] = []
    /// The template id per slot; -1 marks an empty slot.
    private var ids: [Int32] = []
    private var shift: UInt64 = 64
    private(set) var count = 0
    let limit: Int

    init(limit: Int) {
        self.limit = max(0, limit)
    }

    private func slot(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    func lookup(count tokens: Int, hash: UInt64) -> Int32? {
        guard !ids.isEmpty else { return nil }
        let mask = ids.count - 1
        var i = slot(hash)
        while true {
            let id = ids[i]
            if id < 0 { return nil }
            if hashes[i] == hash, counts[i] == Int32(truncatingIfNeeded: tokens) { return id }
            i = (i + 1) & mask
        }
    }

    mutating func insert(count tokens: Int, hash: UInt64, id: Int32) {
        guard limit > 0 else { return }
        if count >= limit { removeAll() }
        if (count + 1) * 2 > ids.count { grow() }
        let mask = ids.count - 1
        var i = slot(hash)
        while ids[i] >= 0 {
            if hashes[i] == hash, counts[i] == Int32(truncatingIfNeeded: tokens) {
                ids[i] = id
                return
            }
            i = (i + 1) & mask
        }
        hashes[i] = hash
        counts[i] = Int32(truncatingIfNeeded: tokens)
        ids[i] = id
        count += 1
    }

    /// Empties the table and keeps its storage.
    mutating func removeAll() {
        for i in ids.indices { ids[i] = -1 }
        count = 0
    }

    private mutating func grow() {
        let size = max(1_024, ids.count * 2)
        let oldHashes = hashes, oldCounts = counts, oldIDs = ids
        hashes = [UInt64](repeating: 0, count: size)
        counts = [Int32](repeating: 0, count: size)
        ids = [Int32](repeating: -1, count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
        count = 0
        for i in oldIDs.indices where oldIDs[i] >= 0 {
            insert(count: Int(oldCounts[i]), hash: oldHashes[i], id: oldIDs[i])
        }
    }
}
