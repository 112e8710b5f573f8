import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte stream into display lines in constant memory.
///
/// Lines end at LF; a CR before the LF is dropped. A bare CR is a terminal redraw (progress
/// bars, Travis folds): the line shows what a terminal would finally show, the last segment
/// that is not blank. ANSI escape sequences are removed. Bytes are passed on untouched
/// otherwise, so invalid UTF-8 survives until display, where it becomes U+FFFD. Lines longer
/// than `maxLineBytes` are cut there; the rest of such a line is skipped.
struct LogLineReader {
    /// Counts over the whole input.
    struct Totals: Sendable, Equatable {
        var bytes = 0
        var lines = 0
        var truncatedLines = 0
    }

    let chunkSize: Int
    let maxLineBytes: Int
    private(set) var totals = Totals()

    private var carry: [UInt8] = []
    private var carryOverflow = false
    private var scratch: [UInt8] = []

    init(chunkSize: Int = 1 << 22, maxLineBytes: Int = 64 * 1024) {
        self.chunkSize = max(1, chunkSize)
        self.maxLineBytes = max(1, maxLineBytes)
        carry.reserveCapacity(4096)
        scratch.reserveCapacity(4096)
    }

    /// Reads the whole source, calling `body` once per line with its cleaned bytes
    /// (valid only during the call).
    mutating func read(_ source: LogSource, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        switch source {
        case let .data(data):
            // In `chunkSize` pieces, like a file, so both take the same path through `feed`.
            try data.withUnsafeBytes { raw in
                let bytes = UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count)
                var start = 0
                while start < bytes.count {
                    let end = start + min(chunkSize, bytes.count - start)
                    try feed(UnsafeBufferPointer(rebasing: bytes[start..<end]), body)
                    start = end
                }
            }
        case let .file(url):
            let fd = open(url.path, O_RDONLY)
            guard fd >= 0 else {
                throw LogTriageError.unreadable(path: url.path, reason: String(cString: strerror(errno)))
            }
            defer { close(fd) }
            try readDescriptor(fd, body)
        case let .fileDescriptor(fd):
            try readDescriptor(fd, body)
        }
        try finish(body)
    }

    private mutating func readDescriptor(_ fd: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunkSize)
        defer { buffer.deallocate() }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, chunkSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw LogTriageError.readFailed(String(cString: strerror(errno)))
            }
            if n == 0 { break }
            try feed(UnsafeBufferPointer(rebasing: buffer[0..<n]), body)
        }
    }

    /// Feeds one chunk; a line split across chunks is carried to the next call.
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        totals.bytes += chunk.count
        var start = 0
        let end = chunk.count
        while start < end {
            let remaining = end - start
            guard let hit = memchr(base + start, 0x0A, remaining) else {
                appendCarry(UnsafeBufferPointer(start: base + start, count: remaining))
                return
            }
            let lineEnd = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if carry.isEmpty && !carryOverflow {
                var line = UnsafeBufferPointer(start: base + start, count: lineEnd - start)
                var cut = false
                if line.count > maxLineBytes {
                    line = UnsafeBufferPointer(start: line.baseAddress, count: maxLineBytes)
                    cut = true
                }
                try emit(line, truncated: cut, body)
            } else {
                appendCarry(UnsafeBufferPointer(start: base + start, count: lineEnd - start))
                try emitCarry(body)
            }
            start = lineEnd + 1
        }
    }

    /// Emits a last line that had no final newline.
    mutating func finish(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if !carry.isEmpty || carryOverflow {
            try emitCarry(body)
        }
    }

    private mutating func appendCarry(_ bytes: UnsafeBufferPointer<UInt8>) {
        let room = maxLineBytes - carry.count
        if bytes.count > room {
            carry.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<max(0, room)]))
            carryOverflow = true
        } else {
            carry.append(contentsOf: bytes)
        }
    }

    private mutating func emitCarry(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let cut = carryOverflow
        var held = carry
        carry = []
        try held.withUnsafeBufferPointer { try emit($0, truncated: cut, body) }
        held.removeAll(keepingCapacity: true)
        carry = held
        carryOverflow = false
    }

    private mutating func emit(_ raw: UnsafeBufferPointer<UInt8>, truncated: Bool, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        totals.lines += 1
        if truncated { totals.truncatedLines += 1 }
        var line = raw
        if let last = line.last, last == 0x0D {
            line = UnsafeBufferPointer(rebasing: line.dropLast())
        }
        guard let base = line.baseAddress, line.count > 0 else {
            try body(line)
            return
        }
        if memchr(base, 0x0D, line.count) == nil && memchr(base, 0x1B, line.count) == nil {
            try body(line)
            return
        }
        var out = scratch
        scratch = []
        Self.clean(line, into: &out)
        try out.withUnsafeBufferPointer { try body($0) }
        out.removeAll(keepingCapacity: true)
        scratch = out
    }

    /// Removes ANSI escapes and resolves CR redraws into `out`.
    ///
    /// Writes through a raw buffer sized to the line (the result is never longer), copying runs
    /// between escapes and CRs whole: a Travis log has one of those on most lines.
    static func clean(_ line: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        let n = line.count
        guard n > 0, let source = line.baseAddress else { return }
        out.append(contentsOf: repeatElement(0, count: n))
        let kept: Range<Int> = out.withUnsafeMutableBufferPointer { buffer in
            let target = buffer.baseAddress!
            var count = 0
            var segmentStart = 0
            var segmentBlank = true
            var lastKept: Range<Int>? = nil
            var i = 0
            while i < n {
                let byte = source[i]
                if byte == 0x1B {
                    i = skipEscape(line, from: i)
                    continue
                }
                if byte == 0x0D {
                    if !segmentBlank { lastKept = segmentStart..<count }
                    segmentStart = count
                    segmentBlank = true
                    i += 1
                    continue
                }
                // A run of ordinary bytes, copied whole.
                var end = i + 1
                while end < n, source[end] != 0x1B, source[end] != 0x0D { end += 1 }
                if segmentBlank {
                    for k in i..<end where source[k] != 0x20 && source[k] != 0x09 {
                        segmentBlank = false
                        break
                    }
                }
                (target + count).update(from: source + i, count: end - i)
                count += end - i
                i = end
            }
            if !segmentBlank { return segmentStart..<count }
            return lastKept ?? count..<count
        }
        if kept.lowerBound > 0 {
            out.withUnsafeMutableBufferPointer { buffer in
                let base = buffer.baseAddress!
                (base).update(from: base + kept.lowerBound, count: kept.count)
            }
        }
        out.removeLast(out.count - kept.count)
    }

    /// Index just past the escape sequence starting at `start` (which holds ESC).
    static func skipEscape(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let n = line.count
        var i = start + 1
        guard i < n else { return n }
        let kind = line[i]
        i += 1
        switch kind {
        case 0x5B: // CSI: parameters, intermediates, one final byte
            while i < n, (0x30...0x3F).contains(line[i]) { i += 1 }
            while i < n, (0x20...0x2F).contains(line[i]) { i += 1 }
            if i < n, (0x40...0x7E).contains(line[i]) { i += 1 }
            return i
        case 0x5D, 0x50, 0x5F, 0x5E: // OSC, DCS, APC, PM: up to BEL or ST
            while i < n {
                if line[i] == 0x07 { return i + 1 }
                if line[i] == 0x1B, i + 1 < n, line[i + 1] == 0x5C { return i + 2 }
                i += 1
            }
            return n
        case 0x20...0x2F: // charset designation and similar: intermediates then a final
            while i < n, (0x20...0x2F).contains(line[i]) { i += 1 }
            return min(n, i + 1)
        default: // two-byte sequence
            return i
        }
    }
}
