import Foundation
import Testing
@testable import Deploy

/// Not a test: `bench/deploy/detect.sh --in-process` runs it to time detection without process start-up.
/// Enabled only when DEPLOYOTRON_BENCH_ROOT names a folder of projects to detect.
@Suite struct DetectionBenchmark {
    static let root = ProcessInfo.processInfo.environment["DEPLOYOTRON_BENCH_ROOT"]

    @Test(.enabled(if: root != nil, "set DEPLOYOTRON_BENCH_ROOT to run the detection benchmark"))
    func timeDetection() throws {
        let root = URL(fileURLWithPath: try #require(Self.root))
        let runs = Int(ProcessInfo.processInfo.environment["RUNS"] ?? "") ?? 5
        let clock = ContinuousClock()
        for name in try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() {
            var times: [Duration] = []
            for _ in 0..<runs {
                let start = clock.now
                _ = try? StackDetector().detect(at: root.appendingPathComponent(name))
                times.append(clock.now - start)
            }
            let median = times.sorted()[times.count / 2]
            let ms = Double(median.components.attoseconds) / 1e15 + Double(median.components.seconds) * 1000
            print("BENCH \(name) \(String(format: "%.3f", ms))")
        }
    }
}
