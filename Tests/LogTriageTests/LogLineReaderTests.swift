import Foundation
import Testing
@testable import LogTriage

@Suite struct LogLineReaderTests {
    /// Reads `bytes` feeding `chunk` bytes at a time and returns the lines as raw bytes.
    func lines(_ bytes: [UInt8], chunk: Int = 1 << 20, maxLineBytes: Int = 64 * 1024) throws -> [[UInt8]] {
        var reader = LogLineReader(chunkSize: chunk, maxLineBytes: maxLineBytes)
        var out: [[UInt8]] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            try bytes[start..<end].withUnsafeBufferPointer { piece in
                try reader.feed(piece) { out.append(Array($0)) }
            }
            start = end
        }
        try reader.finish { out.append(Array($0)) }
        return out
    }

    func text(_ lines: [[UInt8]]) -> [String] {
        lines.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func splitsLFAndCRLFAndKeepsALastLineWithoutNewline() throws {
        let input = Array("one\r\ntwo\nthree\r\n\nfour".utf8)
        #expect(text(try lines(input)) == ["one", "two", "three", "", "four"])
    }

    @Test func sameLinesWhateverTheChunking() throws {
        let input = Array("alpha\r\nbeta \u{1B}[31mred\u{1B}[0m\nprogress 10%\rprogress 100%\ngamma".utf8)
        let whole = try lines(input)
        for size in [1, 2, 3, 7, 64] {
            #expect(try lines(input, chunk: size) == whole, "chunk size \(size)")
        }
        #expect(text(whole) == ["alpha", "beta red", "progress 100%", "gamma"])
    }

    @Test func carriageReturnRedrawKeepsWhatTheTerminalShows() throws {
        // Travis: a fold marker, then CR and an erase-line escape, then the real output.
        let input = Array("travis_fold:end:install\r\u{1B}[0K$ npm test\nDownloading 1%\rDownloading 50%\rDownloading 100%\r\u{1B}[K\n".utf8)
        #expect(text(try lines(input)) == ["$ npm test", "Downloading 100%"])
    }

    @Test func stripsAnsiEscapes() throws {
        let input = Array("\u{1B}[1m\u{1B}[31merror\u{1B}[0m: \u{1B}]8;;http://x\u{07}link\u{1B}]8;;\u{07} \u{1B}(Bdone\n".utf8)
        #expect(text(try lines(input)) == ["error: link done"])
    }

    @Test func invalidUTF8PassesThroughAndDisplaysAsReplacement() throws {
        let input: [UInt8] = Array("bad ".utf8) + [0xFF, 0xFE, 0xC3] + Array(" bytes\n".utf8)
        let read = try lines(input)
        #expect(read == [Array("bad ".utf8) + [0xFF, 0xFE, 0xC3] + Array(" bytes".utf8)])
        #expect(text(read)[0].contains("\u{FFFD}"))
    }

    @Test func hugeLinesAreCutAndTheRestSkipped() throws {
        let huge = [UInt8](repeating: 0x61, count: 300_000)
        let input = Array("before\n".utf8) + huge + Array("\nafter\n".utf8)
        for chunk in [1 << 20, 4096] {
            var reader = LogLineReader(chunkSize: chunk, maxLineBytes: 1000)
            var out: [[UInt8]] = []
            var start = 0
            while start < input.count {
                let end = min(input.count, start + chunk)
                try input[start..<end].withUnsafeBufferPointer { piece in try reader.feed(piece) { out.append(Array($0)) } }
                start = end
            }
            try reader.finish { out.append(Array($0)) }
            #expect(out.count == 3)
            #expect(out[1].count == 1000)
            #expect(text([out[2]]) == ["after"])
            #expect(reader.totals.truncatedLines == 1)
            #expect(reader.totals.lines == 3)
            #expect(reader.totals.bytes == input.count)
        }
    }

    @Test func readsFilesAndReportsMissingOnes() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("logtriage-reader-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data((1...50_000).map { "line \($0)\n" }.joined().utf8).write(to: url)
        var reader = LogLineReader(chunkSize: 4096)
        var count = 0
        var last = ""
        try reader.read(.file(url)) { count += 1; last = String(decoding: $0, as: UTF8.self) }
        #expect(count == 50_000)
        #expect(last == "line 50000")

        var missing = LogLineReader()
        #expect(throws: LogTriageError.self) {
            try missing.read(.file(URL(fileURLWithPath: "/nonexistent/build.log"))) { _ in }
        }
    }
}
