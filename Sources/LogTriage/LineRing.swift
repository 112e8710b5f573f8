/// The last `capacity` lines, as bytes in reused buffers: the tail of the log and the
/// context before an error, kept without allocating per line.
struct LineRing {
    let capacity: Int
    private var bytes: [[UInt8]]
    private var numbers: [Int]
    private var templates: [Int32]
    private var scores: [Int8]
    private var flags: [UInt8]
    private var blanks: [Int32]
    private var next = 0
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        bytes = Array(repeating: [], count: self.capacity)
        numbers = Array(repeating: 0, count: self.capacity)
        templates = Array(repeating: 0, count: self.capacity)
        scores = Array(repeating: 0, count: self.capacity)
        flags = Array(repeating: 0, count: self.capacity)
        blanks = Array(repeating: 0, count: self.capacity)
    }

    mutating func push(_ line: UnsafeBufferPointer<UInt8>, number: Int, template: Int32, score: Int8, signature: Bool, trace: Bool, blanksBefore: Int = 0) {
        let slot = next
        blanks[slot] = Int32(clamping: blanksBefore)
        bytes[slot].removeAll(keepingCapacity: true)
        bytes[slot].append(contentsOf: line.prefix(LineRing.keptBytes))
        numbers[slot] = number
        templates[slot] = template
        scores[slot] = score
        flags[slot] = (signature ? 1 : 0) | (trace ? 2 : 0)
        next = (next + 1) % capacity
        count = min(count + 1, capacity)
    }

    /// Display lines keep at most this many bytes.
    static let keptBytes = 1024

    /// The `k` most recent lines, oldest first.
    func last(_ k: Int) -> [KeptLine] {
        let n = min(k, count)
        var out: [KeptLine] = []
        out.reserveCapacity(n)
        for back in stride(from: n, to: 0, by: -1) {
            let slot = (next - back + capacity) % capacity
            out.append(KeptLine(number: numbers[slot], text: String(decoding: bytes[slot], as: UTF8.self),
                                template: templates[slot], score: scores[slot],
                                signature: flags[slot] & 1 != 0, trace: flags[slot] & 2 != 0,
                                blanksBefore: Int(blanks[slot])))
        }
        return out
    }
}
