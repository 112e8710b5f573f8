/// One line cut into whitespace-separated tokens, with the variable parts masked.
///
/// A token's alphanumeric words are variable when they hold a digit (numbers, hex, ids, IPs,
/// versions, times), are runs of eight or more hex letters (ids without a digit), are day and
/// month names, or are dotted names of three or more parts (hosts, packages, classes);
/// punctuation and other words are kept. A quantity is one token whatever its notation
/// (`<1 sec`, and `1190 bytes (1.16 KB)` without its restatement). Each token becomes a 64-bit hash of its masked form,
/// so `blk_-123` and `blk_-9` hash alike and two lines of one template compare by integers.
/// The buffers are reused from line to line.
final class MaskedLine {
    static let hasVariable: UInt8 = 1
    static let allVariable: UInt8 = 2
    /// The token holds `.`, `/` or `\\`: a file, a path or a dotted name.
    static let pathLike: UInt8 = 4
    /// The token holds `://`: an address, which a leading header may carry.
    static let urlLike: UInt8 = 8
    /// The token is one word of capitals then digits (`SOCKS5`, `HTTP2`, `MD5`): variable, but
    /// a name where a template has a plain word.
    static let namedVariable: UInt8 = 16
    /// Tokens kept per line; the rest fold into the last one.
    static let capacity = 256

    // Fixed buffers, allocated once: the hot loop appends without uniqueness checks.
    let hashes = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: MaskedLine.capacity)
    let flags = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: MaskedLine.capacity)
    let starts = UnsafeMutableBufferPointer<Int>.allocate(capacity: MaskedLine.capacity)
    let ends = UnsafeMutableBufferPointer<Int>.allocate(capacity: MaskedLine.capacity)
    private(set) var count = 0
    /// A hash of the whole masked token sequence.
    private(set) var lineHash: UInt64 = 0

    init() {}

    deinit {
        hashes.deallocate()
        flags.deallocate()
        starts.deallocate()
        ends.deallocate()
    }

    /// The token hashes as an array (for a new template).
    var tokenArray: [UInt64] { Array(hashes[0..<count]) }

    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3
    static let variableMark: UInt8 = 0x01
    /// Mixed into a number's hash when its time unit joins it: `12 ms` hashes alike for any
    /// number and unit.
    static let quantityMark: UInt64 = 0x7A

    /// Cuts and masks `line`; at most `capacity` tokens are kept (the rest fold into the last).
    func mask(_ line: UnsafeBufferPointer<UInt8>) {
        let maxTokens = Self.capacity
        count = 0
        var whole = Self.fnvOffset
        let n = line.count
        var i = 0
        while i < n {
            while i < n, line[i] <= 0x20 { i += 1 }
            if i >= n { break }
            let tokenStart = i
            var hash = Self.fnvOffset
            var anyVariable = false
            var anyLiteralWord = false
            var lastWasMark = false
            var pathLike = false
            var urlLike = false
            var words = 0
            var namedEnd = -1
            while i < n, line[i] > 0x20 {
                let byte = line[i]
                if Self.isAlnum(byte) {
                    let wordStart = i
                    words += 1
                    var digit = false
                    var hex = true
                    while i < n, Self.isAlnum(line[i]) {
                        let b = line[i]
                        if b &- 0x30 < 10 { digit = true } else if (b | 0x20) &- 0x61 >= 6 { hex = false }
                        i += 1
                    }
                    if digit, wordStart == tokenStart, Self.isCapitalsThenDigits(line, wordStart, i) { namedEnd = i }
                    // A link's host stays: a list of links differs by its hosts.
                    if !urlLike, i + 1 < n, line[i] == 0x2E, let end = Self.dottedNameEnd(line, i, n) {
                        i = end
                        digit = true
                        pathLike = true
                    }
                    if digit || (hex && i - wordStart >= 8) || Self.isCalendarWord(line, wordStart, i) {
                        anyVariable = true
                        if !lastWasMark {
                            hash = (hash ^ UInt64(Self.variableMark)) &* Self.fnvPrime
                            lastWasMark = true
                        }
                    } else {
                        anyLiteralWord = true
                        lastWasMark = false
                        for j in wordStart..<i {
                            hash = (hash ^ UInt64(line[j])) &* Self.fnvPrime
                        }
                    }
                } else {
                    // `-` before a number belongs to the number (blk_-42, offsets).
                    if byte == 0x2D, i + 1 < n, line[i + 1] &- 0x30 < 10 {
                        i += 1
                        continue
                    }
                    if byte == 0x3A, i > tokenStart, i + 2 < n, line[i + 1] == 0x2F, line[i + 2] == 0x2F { urlLike = true }
                    if byte == 0x2E || byte == 0x2F || byte == 0x5C { pathLike = true }
                    hash = (hash ^ UInt64(byte)) &* Self.fnvPrime
                    lastWasMark = false
                    i += 1
                }
            }
            if count == maxTokens {
                // Fold the overflow into the last token so long lines stay bounded.
                let last = count - 1
                hashes[last] = (hashes[last] ^ hash) &* Self.fnvPrime
                ends[last] = i
                if anyVariable { flags[last] |= Self.hasVariable }
                if anyLiteralWord { flags[last] &= ~Self.allVariable }
                continue
            }
            var flag: UInt8 = (pathLike ? Self.pathLike : 0) | (urlLike ? Self.urlLike : 0)
            if words == 1, namedEnd == i { flag |= Self.namedVariable }
            if anyVariable {
                flag |= Self.hasVariable
                if !anyLiteralWord { flag |= Self.allVariable }
            }
            hashes[count] = hash
            flags[count] = flag
            starts[count] = tokenStart
            ends[count] = i
            count += 1
        }
        foldQuantities(line)
        dropHeader(line)
        collapseRepeats()
        for k in 0..<count {
            whole = (whole ^ hashes[k]) &* Self.fnvPrime
            whole ^= whole >> 29
        }
        lineHash = whole ^ UInt64(count)
    }

    /// Makes a quantity one token whatever its notation: a parenthesised restatement of the
    /// quantity before it (`1190 bytes (1.16 KB) sent`) is dropped, and a number with its time unit
    /// (`<1 sec`, `12 ms`) becomes one variable token, as `00:01` is.
    private func foldQuantities(_ line: UnsafeBufferPointer<UInt8>) {
        let n = count
        guard n > 1 else { return }
        var write = 0
        var read = 0
        while read < n {
            if read + 1 < n, flags[read] & Self.hasVariable != 0 {
                let s = starts[read], e = ends[read]
                let unitStart = starts[read + 1], unitEnd = ends[read + 1]
                if write >= 2, line[s] == 0x28, e - s >= 2, Self.isDigit(line[s + 1]), Self.isNumber(line, s + 1, e),
                   line[unitEnd - 1] == 0x29, Self.isUnit(line, unitStart, unitEnd - 1, sizes: true),
                   Self.isUnit(line, starts[write - 1], ends[write - 1], sizes: true),
                   Self.isDigit(line[ends[write - 2] - 1]) {
                    read += 2
                    continue
                }
                if Self.isDigit(line[e - 1]), Self.isUnit(line, unitStart, unitEnd, sizes: false) {
                    hashes[write] = (hashes[read] ^ Self.quantityMark) &* Self.fnvPrime
                    flags[write] = flags[read]
                    starts[write] = s
                    ends[write] = unitEnd
                    write += 1
                    read += 2
                    continue
                }
            }
            if write != read {
                hashes[write] = hashes[read]
                flags[write] = flags[read]
                starts[write] = starts[read]
                ends[write] = ends[read]
            }
            write += 1
            read += 1
        }
        count = write
    }

    /// Whether `line[start..<end]` is a number: digits with `.` or `,` between them.
    private static func isNumber(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard start < end else { return false }
        for k in start..<end where !isDigit(line[k]) && line[k] != 0x2E && line[k] != 0x2C { return false }
        return true
    }

    /// A unit of time (`s`, `ms`, `sec`, `seconds`, `min`, `hours`), or with `sizes` also of
    /// size (`B`, `KB`, `MiB`, `bytes`) and `%`.
    private static func isUnit(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, sizes: Bool) -> Bool {
        let length = end - start
        guard length >= 1, length <= 7 else { return false }
        var key: UInt64 = 0
        for k in start..<end {
            let b = line[k]
            guard b == 0x25 || (b | 0x20) &- 0x61 < 26 else { return false }
            key = key << 8 | UInt64(b == 0x25 ? b : b | 0x20)
        }
        return timeUnits.contains(key) || (sizes && sizeUnits.contains(key))
    }

    private static func unitKeys(_ words: [String]) -> Set<UInt64> {
        Set(words.map { $0.utf8.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } })
    }

    static let timeUnits = unitKeys(["s", "ms", "us", "ns", "sec", "secs", "second", "seconds", "msec", "msecs",
                                     "min", "mins", "minute", "minutes", "h", "hr", "hrs", "hour", "hours"])
    static let sizeUnits = unitKeys(["b", "kb", "mb", "gb", "tb", "kib", "mib", "gib", "tib", "byte", "bytes", "%"])

    /// How many leading tokens were a header (timestamp, pid, level, component) and were dropped.
    private(set) var headerTokens = 0

    /// Drops a leading header so lines group by their message: leading tokens that are all
    /// variable (dates, times, pids) and `-` separators, then a level word (`INFO`, `[error]`,
    /// `W:`) with the component after it (`dfs.DataNode:`, `[main]`). Without a syslog header,
    /// name columns between the values and the message go too: fixed columns closed by two
    /// values, node names and capitals before a level, and `program -`. Without a level only
    /// the header's values and names go. A line that would be left empty keeps everything.
    private func dropHeader(_ line: UnsafeBufferPointer<UInt8>) {
        headerTokens = 0
        let n = count
        let syslog = syslogHeader(line)
        var i = skipValues(from: syslog, before: 8, line)
        if syslog == 0, i > 0, i < n {
            if let end = fixedColumnsEnd(from: i, line) { i = skipValues(from: end, before: 12, line) }
            if i < n, let level = levelAfterColumns(from: i, line) { i = level }
        }
        if i > 0, i < n, let end = programEnd(from: i, line) { i = end }
        // logcat's threadtime format has a one-letter level (`D WindowManager:`) after its header.
        if i < n, isLevel(i, line) || (i > 0 && i + 1 < n && isLetterLevel(i, line) && isComponent(i + 1, line)) {
            i += 1
            while i < n, isSeparator(i, line) { i += 1 }
            // log4j's `LEVEL [thread] logger: message`: a thread name may hold spaces
            // (`[IPC Server handler 1 on 9000]`), and the logger follows it.
            if i < n, let end = bracketEnd(i, line) {
                i = end
                while i < n, isSeparator(i, line) { i += 1 }
            }
            if i < n, isComponent(i, line) {
                i += 1
                while i < n, isSeparator(i, line) { i += 1 }
            }
        }
        guard i > 0, i < n else { return }
        headerTokens = i
        for k in i..<n {
            hashes[k - i] = hashes[k]
            flags[k - i] = flags[k]
            starts[k - i] = starts[k]
            ends[k - i] = ends[k]
        }
        count = n - i
    }

    /// The first token from `index` on that is not a value (all variable, or an address) or a
    /// separator, looking no further than token `limit`.
    private func skipValues(from index: Int, before limit: Int, _ line: UnsafeBufferPointer<UInt8>) -> Int {
        var i = index
        while i < count, i < limit, flags[i] & (Self.allVariable | Self.urlLike) != 0 || isSeparator(i, line) { i += 1 }
        return i
    }

    /// Where a record of fixed columns ends (`id node component state time flag message`): up
    /// to four name columns from `index`, closed by two values in a row, with a message after.
    private func fixedColumnsEnd(from index: Int, _ line: UnsafeBufferPointer<UInt8>) -> Int? {
        let isValue = { (k: Int) in self.flags[k] & Self.allVariable != 0 }
        for j in (index + 1)..<max(index + 1, min(index + 5, count - 2)) where isValue(j) && isValue(j + 1) {
            let names = (index..<j).allSatisfy { !isValue($0) && !isLevel($0, line) }
            return names ? j + 2 : nil
        }
        return nil
    }

    /// The level after columns of node names and capitals from `index`
    /// (`R25-M0-N7-C:J02-U01 RAS KERNEL INFO`), when one comes within eight tokens.
    private func levelAfterColumns(from index: Int, _ line: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !isLevel(index, line) else { return nil }
        var k = index
        while k < count - 1, k < index + 8, !isLevel(k, line), flags[k] & Self.hasVariable != 0 || isCapitalWord(k, line) {
            k += 1
        }
        return k > index && k < count - 1 && isLevel(k, line) ? k : nil
    }

    /// The message's first token after `[time] program - message` (Proxifier, many daemons):
    /// a name of one or two tokens from `index`, then a lone `-`.
    private func programEnd(from index: Int, _ line: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !isLevel(index, line) else { return nil }
        if index + 2 < count, isDash(index + 1, line) { return index + 2 }
        if index + 3 < count, isDash(index + 2, line), !isDash(index + 1, line) { return index + 3 }
        return nil
    }

    /// Folds a run of identical variable tokens (`blk_<*> blk_<*> blk_<*>`) into one, so a
    /// variable-length list does not change the line's shape.
    private func collapseRepeats() {
        let n = count
        guard n > 1 else { return }
        var write = 1
        for read in 1..<n {
            if hashes[read] == hashes[write - 1], flags[read] & Self.hasVariable != 0 {
                ends[write - 1] = ends[read]
                continue
            }
            hashes[write] = hashes[read]
            flags[write] = flags[read]
            starts[write] = starts[read]
            ends[write] = ends[read]
            write += 1
        }
        count = write
    }

    private func isSeparator(_ index: Int, _ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = starts[index], e = ends[index]
        guard e - s <= 2 else { return false }
        for k in s..<e where line[k] != 0x2D && line[k] != 0x7C && line[k] != 0x3A { return false }
        return true
    }

    /// A word of two or more capitals (`RAS`, `KERNEL`), as header columns are.
    private func isCapitalWord(_ index: Int, _ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = starts[index], e = ends[index]
        guard e - s >= 2 else { return false }
        for k in s..<e where line[k] &- 0x41 >= 26 { return false }
        return true
    }

    private func isDash(_ index: Int, _ line: UnsafeBufferPointer<UInt8>) -> Bool {
        ends[index] - starts[index] == 1 && line[starts[index]] == 0x2D
    }

    private func isComponent(_ index: Int, _ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = starts[index], e = ends[index]
        guard e - s >= 2 else { return false }
        return line[e - 1] == 0x3A || (line[s] == 0x5B && line[e - 1] == 0x5D)
    }

    /// The token after a bracketed name that starts at token `index` and ends within eight
    /// tokens (`[main]`, `[IPC Server handler 1 on 9000]`), or nil.
    private func bracketEnd(_ index: Int, _ line: UnsafeBufferPointer<UInt8>) -> Int? {
        guard line[starts[index]] == 0x5B else { return nil }
        var k = index
        while k < count, k < index + 8 {
            if line[ends[k] - 1] == 0x5D { return k + 1 }
            k += 1
        }
        return nil
    }

    /// The tokens of a syslog header (RFC 3164: `Jul  1 09:00:55 host tag[pid]: message`): the
    /// date, the host that names the machine, and the tag (`tag[pid] (address):` on macOS). 0
    /// when the line does not start that way.
    private func syslogHeader(_ line: UnsafeBufferPointer<UInt8>) -> Int {
        guard count > 4, Self.isCalendarWord(line, starts[0], ends[0]),
              flags[1] & Self.allVariable != 0, flags[2] & Self.allVariable != 0 else { return 0 }
        if isComponent(3, line) { return 4 }
        if isComponent(4, line) { return 5 }
        if count > 5, line[starts[5]] == 0x28, isComponent(5, line) { return 6 }
        return 0
    }

    /// A logcat level letter: V, D, I, W, E, F or A.
    private func isLetterLevel(_ index: Int, _ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard ends[index] - starts[index] == 1 else { return false }
        switch line[starts[index]] {
        case UInt8(ascii: "V"), UInt8(ascii: "D"), UInt8(ascii: "I"), UInt8(ascii: "W"),
             UInt8(ascii: "E"), UInt8(ascii: "F"), UInt8(ascii: "A"): return true
        default: return false
        }
    }

    private func isLevel(_ index: Int, _ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var s = starts[index], e = ends[index]
        while s < e, line[s] == 0x5B || line[s] == 0x3C || line[s] == 0x28 { s += 1 }
        while e > s, line[e - 1] == 0x5D || line[e - 1] == 0x3A || line[e - 1] == 0x3E || line[e - 1] == 0x29 || line[e - 1] == 0x2C { e -= 1 }
        guard e - s >= 4, e - s <= 8 else { return false }
        var key: UInt64 = 0
        for k in s..<e {
            let b = line[k]
            guard (b | 0x20) &- 0x61 < 26 else { return false }
            key = key << 8 | UInt64(b & ~0x20)
        }
        return Self.levels.contains(key)
    }

    static let levels: Set<UInt64> = {
        let words = ["INFO", "WARN", "WARNING", "ERROR", "DEBUG", "TRACE", "FATAL", "CRITICAL", "CRIT",
                     "NOTICE", "SEVERE", "ALERT", "EMERG", "FINE", "FINER", "FINEST", "VERBOSE"]
        return Set(words.map { $0.utf8.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } })
    }()

    /// The masked text of token `index` (`<*>` for variable words), cut with `…` past about
    /// `limit` bytes.
    func maskedText(_ index: Int, in line: UnsafeBufferPointer<UInt8>, limit: Int = .max) -> String {
        if flags[index] & Self.allVariable != 0 { return "<*>" }
        var out: [UInt8] = []
        var i = starts[index]
        let end = ends[index]
        var lastWasMark = false
        var inURL = false
        while i < end {
            if out.count > limit { break }
            let byte = line[i]
            if Self.isAlnum(byte) {
                let wordStart = i
                var digit = false
                var hex = true
                while i < end, Self.isAlnum(line[i]) {
                    let b = line[i]
                    if b &- 0x30 < 10 { digit = true } else if (b | 0x20) &- 0x61 >= 6 { hex = false }
                    i += 1
                }
                if !inURL, i + 1 < end, line[i] == 0x2E, let nameEnd = Self.dottedNameEnd(line, i, end) {
                    i = nameEnd
                    digit = true
                }
                if digit || (hex && i - wordStart >= 8) || Self.isCalendarWord(line, wordStart, i) {
                    if !lastWasMark { out.append(contentsOf: [0x3C, 0x2A, 0x3E]) }
                    lastWasMark = true
                } else {
                    out.append(contentsOf: line[wordStart..<i])
                    lastWasMark = false
                }
            } else if byte == 0x2D, i + 1 < end, line[i + 1] &- 0x30 < 10 {
                i += 1
            } else if byte <= 0x20 {
                out.append(0x20)
                i += 1
                while i < end, line[i] <= 0x20 { i += 1 }
                lastWasMark = false
            } else {
                if byte == 0x3A, i + 2 < end, line[i + 1] == 0x2F, line[i + 2] == 0x2F { inURL = true }
                out.append(byte)
                lastWasMark = false
                i += 1
            }
        }
        let text = String(decoding: out, as: UTF8.self)
        // Invalid bytes become U+FFFD, three bytes each: the limit applies to the text.
        guard text.utf8.count > limit else { return text }
        var kept = String.UnicodeScalarView()
        var size = 0
        for scalar in text.unicodeScalars {
            size += UTF8.width(scalar)
            if size > limit { break }
            kept.append(scalar)
        }
        return String(kept) + "…"
    }

    /// Where a dotted name that continues at `dot` ends, when it has three or more parts in all
    /// (`com.apple.icloud`, `www.example.org`, `jquery.min.js`): names of hosts, packages and
    /// classes vary like ids. Nil for `a.b` and for a dot not followed by a name.
    static func dottedNameEnd(_ line: UnsafeBufferPointer<UInt8>, _ dot: Int, _ n: Int) -> Int? {
        var j = dot
        var parts = 1
        while j + 1 < n, line[j] == 0x2E, isNameByte(line[j + 1]) {
            j += 1
            while j < n, isNameByte(line[j]) { j += 1 }
            parts += 1
        }
        return parts >= 3 ? j : nil
    }

    @inline(__always)
    static func isNameByte(_ byte: UInt8) -> Bool {
        isAlnum(byte) || byte == 0x5F || byte == 0x2D
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// Two or more capitals, then digits only (`SOCKS5`, `HTTP2`, `MD5`).
    static func isCapitalsThenDigits(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var k = start
        while k < end, line[k] &- 0x41 < 26 { k += 1 }
        guard k - start >= 2, k < end else { return false }
        while k < end, isDigit(line[k]) { k += 1 }
        return k == end
    }

    @inline(__always)
    static func isAlnum(_ byte: UInt8) -> Bool {
        byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 26
    }

    /// Three-letter day and month names in title or upper case (`Sun`, `DEC`), parts of timestamps.
    @inline(__always)
    static func isCalendarWord(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard end - start == 3, line[start] &- 0x41 < 26 else { return false }
        let key = UInt32(line[start] | 0x20) << 16 | UInt32(line[start + 1] | 0x20) << 8 | UInt32(line[start + 2] | 0x20)
        switch key {
        case 0x6D6F6E, 0x747565, 0x776564, 0x746875, 0x667269, 0x736174, 0x73756E, // mon tue wed thu fri sat sun
             0x6A616E, 0x666562, 0x6D6172, 0x617072, 0x6D6179, 0x6A756E, // jan feb mar apr may jun
             0x6A756C, 0x617567, 0x736570, 0x6F6374, 0x6E6F76, 0x646563: // jul aug sep oct nov dec
            return true
        default:
            return false
        }
    }
}
