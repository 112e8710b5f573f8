import Foundation
import Testing
@testable import LogTriage

/// Runs `analyze`'s whole pipeline (reading in chunks, line splitting, masking, template mining,
/// signatures, excerpt, redaction) over generated inputs and checks what must hold for any input.
///
/// The normal suite runs 480 inputs (a few seconds); `DEPLOYOTRON_FUZZ_INPUTS=200000 swift test
/// --filter AnalyzeFuzzTests` runs more (by hand). `DEPLOYOTRON_FUZZ_SEED` and
/// `DEPLOYOTRON_FUZZ_START` replay a run from a given input; progress goes to standard error
/// every 10,000 inputs so a crash can be found again.
@Suite struct AnalyzeFuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let inputs = environment["DEPLOYOTRON_FUZZ_INPUTS"].flatMap { Int($0) } ?? 480
    static let seed = environment["DEPLOYOTRON_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_0016
    static let start = environment["DEPLOYOTRON_FUZZ_START"].flatMap { Int($0) } ?? 0

    /// Analyzers with ordinary and extreme options: tiny budgets and template caps, no cache room.
    static func analyzers() throws -> [LogAnalyzer] {
        let catalogue = try SignatureCatalogue.bundled()
        return [
            LogAnalysisOptions(),
            LogAnalysisOptions(tokenBudget: 0, templateLimit: 0, similarity: 0, maxTemplates: 1, keyLineLimit: 0),
            LogAnalysisOptions(tokenBudget: 300, templateLimit: nil, similarity: 1, maxTemplates: 8, keyLineLimit: 3),
            LogAnalysisOptions(tokenBudget: 20_000, templateLimit: 5, similarity: 0.5, maxTemplates: 100_000, keyLineLimit: 50),
        ].map { LogAnalyzer(catalogue: catalogue, options: $0) }
    }

    @Test func anyInputGivesAConsistentAnalysis() throws {
        let analyzers = try Self.analyzers()
        var rng = SplitMix64(seed: Self.seed)
        var ran = 0
        for index in Self.start..<(Self.start + Self.inputs) {
            let bytes = FuzzInputs.input(index, seed: Self.seed)
            let analyzer = analyzers[index % analyzers.count]
            // Byte-sized chunks cost a call per byte: only on the smaller inputs.
            let chunk = (bytes.count < 1 << 16 ? [1, 7, 4096, 1 << 22] : [4096, 65_537, 1 << 22]).randomElement(using: &rng)!
            let maxLine = [64 * 1024, 64 * 1024, 100].randomElement(using: &rng)!
            try Self.check(bytes, analyzer: analyzer, reader: LogLineReader(chunkSize: chunk, maxLineBytes: maxLine),
                           label: "input \(index) (\(FuzzInputs.kind(index)), chunk \(chunk), seed \(Self.seed))")
            ran += 1
            if ran % 10_000 == 0 { FileHandle.standardError.write(Data("fuzz: \(ran) inputs, last \(index)\n".utf8)) }
        }
        FileHandle.standardError.write(Data("fuzz: \(ran) inputs from \(Self.start), seed \(Self.seed), no crash\n".utf8))
        #expect(ran == Self.inputs)
    }

    @Test func chunkingDoesNotChangeTheAnalysis() throws {
        let analyzer = try LogAnalyzer()
        for index in 0..<24 where FuzzInputs.kind(index) != .hugeLine {
            let data = Data(FuzzInputs.input(index, seed: Self.seed))
            let whole = try analyzer.analyze(.data(data))
            for chunk in [1, 3, 1000] {
                let pieces = try analyzer.analyze(.data(data), reader: LogLineReader(chunkSize: chunk))
                #expect(pieces == whole, "input \(index) (\(FuzzInputs.kind(index))), chunk \(chunk)")
            }
        }
    }

    @Test func eachKindOfInputIsGenerated() {
        var seen = Set<String>()
        for index in 0..<64 { seen.insert("\(FuzzInputs.kind(index))") }
        #expect(seen.count == FuzzInputs.Kind.allCases.count)
        #expect(FuzzInputs.input(63, seed: 1).count > 1 << 20)
        #expect(FuzzInputs.input(5, seed: 1) == FuzzInputs.input(5, seed: 1))
        #expect(FuzzInputs.input(5, seed: 1) != FuzzInputs.input(5, seed: 2))
    }

    // MARK: - Shared logs

    /// The benchmark's logs, swept by hand (about a minute in a debug build):
    /// `DEPLOYOTRON_SWEEP_LOGS=1` for `../shared/fixtures/logs` beside the checkout, or a folder.
    static let sweep = environment["DEPLOYOTRON_SWEEP_LOGS"]

    static let sharedLogs: URL = {
        if let path = sweep, path != "1" { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/fixtures/logs")
    }()

    static var logFiles: [URL] {
        let keys: [URLResourceKey] = [.isRegularFileKey]
        guard let walker = FileManager.default.enumerator(at: sharedLogs, includingPropertiesForKeys: keys) else { return [] }
        return walker.compactMap { $0 as? URL }
            .filter { (try? $0.resourceValues(forKeys: Set(keys)).isRegularFile) == true }
            .sorted { $0.path < $1.path }
    }

    @Test(.enabled(if: sweep != nil, "set DEPLOYOTRON_SWEEP_LOGS to sweep the shared logs"),
          .enabled(if: FileManager.default.fileExists(atPath: sharedLogs.path), "no shared logs beside the checkout"))
    func everySharedLogGoesThroughThePipeline() throws {
        let analyzer = try LogAnalyzer()
        let files = Self.logFiles
        for url in files {
            let bytes = try [UInt8](Data(contentsOf: url))
            try Self.check(bytes, analyzer: analyzer, reader: LogLineReader(), label: url.path)
            // From the file, read in chunks as `analyze FILE` does: the same analysis.
            #expect(try analyzer.analyze(.file(url), reader: LogLineReader(chunkSize: 1 << 16)) == analyzer.analyze(.data(Data(bytes))), "\(url.path)")
        }
        FileHandle.standardError.write(Data("sweep: \(files.count) files under \(Self.sharedLogs.path), no crash\n".utf8))
        #expect(!files.isEmpty)
    }

    // MARK: - Invariants

    /// Analyses `bytes` and checks the result against what the bytes alone say it must be.
    static func check(_ bytes: [UInt8], analyzer: LogAnalyzer, reader: LogLineReader, label: String) throws {
        var numbers: [Int] = []
        var ids: [Int] = []
        let analysis = try analyzer.analyze(.data(Data(bytes)), reader: reader) { line, template in
            numbers.append(line)
            ids.append(template)
        }
        let expectedLines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + (bytes.last.map { $0 != 0x0A } == true ? 1 : 0)
        #expect(analysis.byteCount == bytes.count, "\(label)")
        #expect(analysis.lineCount == expectedLines, "\(label)")
        #expect(numbers == Array(0..<expectedLines).map { $0 + 1 }, "\(label)")
        #expect(ids.allSatisfy { $0 >= 0 && $0 < analysis.templateCount }, "\(label)")
        #expect(analysis.templateCount <= analyzer.options.maxTemplates + 1, "\(label)")
        #expect(analysis.templates.count <= min(analysis.templateCount, analyzer.options.templateLimit ?? .max), "\(label)")
        if analyzer.options.templateLimit == nil {
            #expect(analysis.templates.reduce(0) { $0 + $1.count } == expectedLines, "\(label)")
        }
        for template in analysis.templates {
            #expect(template.pattern.utf8.count <= TemplateMiner.patternBytes + 64, "\(label)")
            #expect(template.firstLine >= 1 && template.firstLine <= expectedLines, "\(label)")
        }
        #expect(analysis.keyLines.count <= max(0, analyzer.options.keyLineLimit), "\(label)")
        #expect(analysis.keyLines.allSatisfy { $0.line >= 1 && $0.line <= expectedLines }, "\(label)")
        #expect(analysis.keyLines.map(\.line) == analysis.keyLines.map(\.line).sorted(), "\(label)")
        for hit in analysis.signatures {
            #expect(hit.count >= 1 && !hit.lines.isEmpty, "\(label)")
            #expect(hit.lines.allSatisfy { $0 >= 1 && $0 <= expectedLines }, "\(label)")
        }
        #expect(analysis.excerptTokens == TokenEstimate.tokens(analysis.excerpt), "\(label)")
        // Every excerpt line is cut for display; the header's template lines are shorter still.
        for line in analysis.excerpt.split(separator: "\n", omittingEmptySubsequences: false) {
            #expect(line.unicodeScalars.count <= 401 + 64, "\(label)")
        }
        let json = try JSONEncoder().encode(analysis)
        #expect(try JSONDecoder().decode(LogAnalysis.self, from: json) == analysis, "\(label)")
    }
}
