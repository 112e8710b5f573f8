/// Finds many literal strings in one pass over a line, ignoring ASCII case (Aho–Corasick).
///
/// The automaton is a dense byte-transition table, so each input byte costs one lookup;
/// this is what lets dozens of failure signatures and error words be checked on every
/// line of a multi-hundred-megabyte log without a regular expression on the hot path.
struct LiteralAutomaton: Sendable {
    private let table: [Int32]
    private let outputs: [[Int32]]
    let patternCount: Int

    /// Builds the automaton; pattern `i` is reported as `i`. Empty patterns are ignored.
    init(patterns: [String]) {
        var goto: [[Int32]] = [[Int32](repeating: -1, count: 256)]
        var out: [[Int32]] = [[]]
        for (index, pattern) in patterns.enumerated() {
            let bytes = Array(pattern.utf8).map(Self.fold)
            guard !bytes.isEmpty else { continue }
            var state = 0
            for byte in bytes {
                let next = goto[state][Int(byte)]
                if next >= 0 {
                    state = Int(next)
                } else {
                    goto.append([Int32](repeating: -1, count: 256))
                    out.append([])
                    let created = goto.count - 1
                    goto[state][Int(byte)] = Int32(created)
                    state = created
                }
            }
            out[state].append(Int32(index))
        }
        let states = goto.count
        var fail = [Int32](repeating: 0, count: states)
        var table = [Int32](repeating: 0, count: states * 256)
        var queue: [Int] = []
        for byte in 0..<256 {
            let next = goto[0][byte]
            if next >= 0 {
                table[byte] = next
                fail[Int(next)] = 0
                queue.append(Int(next))
            } else {
                table[byte] = 0
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            out[state].append(contentsOf: out[Int(fail[state])])
            for byte in 0..<256 {
                let next = goto[state][byte]
                if next >= 0 {
                    fail[Int(next)] = table[Int(fail[state]) * 256 + byte]
                    table[state * 256 + byte] = next
                    queue.append(Int(next))
                } else {
                    table[state * 256 + byte] = table[Int(fail[state]) * 256 + byte]
                }
            }
        }
        // Case folding: an upper-case input byte follows its lower-case transition.
        for state in 0..<states {
            for upper in 0x41...0x5A {
                table[state * 256 + upper] = table[state * 256 + upper + 0x20]
            }
        }
        // A transition into a state with output is stored complemented (negative), so the
        // scan tests for output with the value it already loaded.
        let reporting = out.map { !$0.isEmpty }
        for index in table.indices where reporting[Int(table[index])] {
            table[index] = ~table[index]
        }
        self.table = table
        self.outputs = out
        self.patternCount = patterns.count
    }

    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// Calls `found` with each pattern index seen in `line` (a pattern may be reported more than once).
    @inline(__always)
    func scan(_ line: UnsafeBufferPointer<UInt8>, _ found: (Int32) -> Void) {
        scanPositions(line) { id, _ in found(id) }
    }

    /// Like `scan`, also passing the index of the match's last byte.
    @inline(__always)
    func scanPositions(_ line: UnsafeBufferPointer<UInt8>, _ found: (Int32, Int) -> Void) {
        table.withUnsafeBufferPointer { table in
            var state = 0
            var index = 0
            for byte in line {
                let next = Int(table[state &* 256 &+ Int(byte)])
                if next < 0 {
                    state = ~next
                    for id in outputs[state] { found(id, index) }
                } else {
                    state = next
                }
                index &+= 1
            }
        }
    }
}
