// logtriage-bench MODE FILE
//   perline FILE           one template id per input line
//   excerpt FILE [BUDGET]  the excerpt that would be sent to Claude
//   templates FILE         the template table
//   throughput FILE        lines, bytes, wall and CPU seconds, lines/s, MB/s, peak RSS (one JSON object)
import Foundation
import LogTriage

let args = CommandLine.arguments
guard args.count >= 3 else {
    FileHandle.standardError.write(Data("usage: logtriage-bench perline|excerpt|throughput FILE [BUDGET]\n".utf8))
    exit(2)
}
let mode = args[1]
let source: LogSource = args[2] == "-" ? .standardInput : .file(URL(fileURLWithPath: args[2]))
var options = LogAnalysisOptions()
if args.count >= 4, let budget = Int(args[3]) { options.tokenBudget = budget }
if let sim = ProcessInfo.processInfo.environment["LT_SIMILARITY"].flatMap(Double.init) { options.similarity = sim }
if let lines = ProcessInfo.processInfo.environment["LT_STEP_LINES"].flatMap({ Int($0) }) { options.stepLines = lines }
do {
    let analyzer = try LogAnalyzer(options: options)
    switch mode {
    case "perline":
        var out = ""
        out.reserveCapacity(1 << 20)
        _ = try analyzer.analyze(source) { _, template in
            out += "T\(template)\n"
            if out.utf8.count > 1 << 20 { FileHandle.standardOutput.write(Data(out.utf8)); out = "" }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    case "templates":
        var options = options
        options.templateLimit = nil
        let analysis = try LogAnalyzer(options: options).analyze(source)
        for t in analysis.templates { print("\(t.id)\t\(t.count)\t\(t.pattern)") }
    case "excerpt":
        let analysis = try analyzer.analyze(source)
        print(analysis.excerpt, terminator: "")
    case "throughput":
        let clock = ContinuousClock()
        let start = clock.now
        let analysis = try analyzer.analyze(source)
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        let result: [String: Double] = [
            "lines": Double(analysis.lineCount), "bytes": Double(analysis.byteCount), "seconds": seconds,
            "cpu_seconds": cpu,
            "lines_per_s": Double(analysis.lineCount) / seconds,
            "mb_per_s": Double(analysis.byteCount) / 1e6 / seconds,
            "lines_per_cpu_s": Double(analysis.lineCount) / cpu,
            "mb_per_cpu_s": Double(analysis.byteCount) / 1e6 / cpu,
            "templates": Double(analysis.templateCount),
            "max_rss_kb": Double(usage.ru_maxrss),
        ]
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    default:
        FileHandle.standardError.write(Data("unknown mode \(mode)\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("logtriage-bench: \(error)\n".utf8))
    exit(1)
}
