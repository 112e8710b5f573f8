import Foundation
import Testing
import TestSupport
@testable import Claude

/// Decoding speed, run by `bench/claude/sse.sh` (skipped otherwise): each figure is printed as a
/// ratio to a reference measured in the same run, never asserted.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["DEPLOYOTRON_BENCH"] != nil))
struct SSEBenchmarks {
    /// A long answer: `deltas` text deltas of about 60 bytes of text each.
    private static func stream(deltas: Int) -> [UInt8] {
        let pieces = (0..<deltas).map { "line \($0): the build finished and the container is healthy. " }
        return Array(FakeStream.message([.text(chunks: pieces)]).utf8)
    }

    private static func chunks(_ bytes: [UInt8], size: Int) -> [ArraySlice<UInt8>] {
        stride(from: 0, to: bytes.count, by: size).map { bytes[$0..<min($0 + size, bytes.count)] }
    }

    /// The median of `runs` timings of `body`, in seconds.
    private static func median(runs: Int = 7, _ body: () throws -> Int) rethrows -> Double {
        var times: [Double] = []
        var sink = 0
        for _ in 0..<runs {
            let start = ContinuousClock.now
            sink &+= try body()
            let elapsed = ContinuousClock.now - start
            times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        if sink == -1 { print("") }  // keep the work observable
        return times.sorted()[times.count / 2]
    }

    @Test func decodeAndAccumulate() throws {
        let bytes = Self.stream(deltas: 20_000)
        let large = Self.chunks(bytes, size: 16 * 1024)
        let single = Self.chunks(bytes, size: 1)

        // Reference: the least any decoder does, finding the line ends.
        let reference = Self.median {
            var lines = 0
            for chunk in large { for byte in chunk where byte == 10 { lines += 1 } }
            return lines
        }
        let decode16k = Self.median {
            var decoder = ServerSentEventDecoder()
            var count = 0
            for chunk in large { count += decoder.feed(chunk).count }
            return count + decoder.finish().count
        }
        let decode1 = Self.median {
            var decoder = ServerSentEventDecoder()
            var count = 0
            for chunk in single { count += decoder.feed(chunk).count }
            return count + decoder.finish().count
        }
        let accumulate = try Self.median {
            var decoder = ServerSentEventDecoder()
            var accumulator = StreamAccumulator()
            var count = 0
            for chunk in large {
                for event in decoder.feed(chunk) { count += try accumulator.consume(event).count }
            }
            for event in decoder.finish() { count += try accumulator.consume(event).count }
            return count + (try accumulator.response().content.count)
        }
        let megabytes = Double(bytes.count) / 1_000_000
        func line(_ name: String, _ seconds: Double) {
            let label = name.padding(toLength: 30, withPad: " ", startingAt: 0)
            print("bench claude-sse " + label + String(format: "%9.2f ms  %7.1f MB/s  ratio %6.1fx", seconds * 1000, megabytes / seconds, seconds / reference))
        }
        print(String(format: "bench claude-sse stream %.2f MB, 20000 text deltas", megabytes))
        line("reference (find line ends)", reference)
        line("decode, 16 KiB chunks", decode16k)
        line("decode, 1-byte chunks", decode1)
        line("decode+accumulate, 16 KiB", accumulate)
    }
}
