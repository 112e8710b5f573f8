import Foundation

/// Reads a log once, in constant memory, and reports known failures, key lines, folded
/// templates and a redacted excerpt sized for Claude.
public struct LogAnalyzer: Sendable {
    public let catalogue: SignatureCatalogue
    public let options: LogAnalysisOptions
    public let redactor: SecretRedactor
    private let automaton: LiteralAutomaton
    private let keywordBase: Int
    private let negationBase: Int
    private let stepBase: Int
    private let keywordWeights: [Int8]
    /// Per keyword: whether it must stand at a word edge (`error` counts in `AssertionError` and
    /// `error:`, not in `onErrorResume`).
    private let keywordEdges: [Bool]
    private let keywordLengths: [Int]

    public init(catalogue: SignatureCatalogue, options: LogAnalysisOptions = LogAnalysisOptions(),
                redactor: SecretRedactor = SecretRedactor()) {
        self.catalogue = catalogue
        self.options = options
        self.redactor = redactor
        var patterns = catalogue.literals
        keywordBase = patterns.count
        patterns += ErrorVocabulary.words.map(\.0)
        negationBase = patterns.count
        patterns += ErrorVocabulary.negations
        stepBase = patterns.count
        patterns += ErrorVocabulary.stepEnds
        keywordWeights = ErrorVocabulary.words.map(\.1)
        keywordEdges = ErrorVocabulary.words.map { word, _ in
            word.unicodeScalars.first.map { $0.properties.isAlphabetic } == true
                && word.unicodeScalars.last.map { $0.properties.isAlphabetic } == true
        }
        keywordLengths = ErrorVocabulary.words.map { $0.0.utf8.count }
        automaton = LiteralAutomaton(patterns: patterns)
    }

    /// An analyzer with the bundled signature catalogue.
    public init(options: LogAnalysisOptions = LogAnalysisOptions()) throws {
        self.init(catalogue: try SignatureCatalogue.bundled(), options: options)
    }

    /// Analyses the whole source. `onLine`, when given, receives each line's 1-based number
    /// and template id in input order, as the lines are read (for `--per-line`).
    public func analyze(_ source: LogSource, onLine: ((_ line: Int, _ template: Int) -> Void)? = nil) throws -> LogAnalysis {
        try analyze(source, reader: LogLineReader(), onLine: onLine)
    }

    /// `analyze` with a given reader (the fuzz tests vary its chunk size).
    func analyze(_ source: LogSource, reader: LogLineReader, onLine: ((_ line: Int, _ template: Int) -> Void)? = nil) throws -> LogAnalysis {
        var reader = reader
        var pipeline = LinePipeline(analyzer: self)
        try reader.read(source) { line in
            pipeline.process(line, onLine: onLine)
        }
        pipeline.collector.finish()
        return report(reader.totals, miner: pipeline.miner, collector: pipeline.collector, hits: pipeline.hits)
    }

    /// A template's pattern with the secrets of its sample line kept out. Masking turns parts of a
    /// secret into wildcards, so the redactor may no longer recognise what is left of it in the
    /// pattern; the sample line, whole, it does recognise. When the sample held a secret, the pattern
    /// is rebuilt from the redacted sample, keeping the pattern's wildcards where the two line up
    /// token for token, and is the redacted sample itself where they do not.
    func safePattern(_ pattern: String, sample: String, redactedSample: String) -> String {
        let redacted = redactor.redact(pattern)
        guard redactedSample != sample else { return redacted }
        let wildcard = "<*>"
        let patternTokens = redacted.split(separator: " ", omittingEmptySubsequences: true)
        let sampleTokens = redactedSample.split(whereSeparator: \.isWhitespace)
        guard patternTokens.count == sampleTokens.count else { return redactedSample }
        return zip(patternTokens, sampleTokens).map { $0 == wildcard ? wildcard : String($1) }.joined(separator: " ")
    }

    /// The per-line work, as one value so the hot loop mutates a single struct in place.
    struct LinePipeline {
        let analyzer: LogAnalyzer
        var masked = MaskedLine()
        var miner: TemplateMiner
        var collector = EvidenceCollector()
        var hits: [Int: SignatureTally] = [:]
        var candidates: [Int32] = []
        var checked: [Int] = []
        var lineNumber = 0

        init(analyzer: LogAnalyzer) {
            self.analyzer = analyzer
            miner = TemplateMiner(similarity: analyzer.options.similarity, maxTemplates: analyzer.options.maxTemplates)
            collector = EvidenceCollector(limits: EvidenceCollector.Limits(stepContext: analyzer.stepContext))
            candidates.reserveCapacity(8)
            checked.reserveCapacity(8)
        }

        mutating func process(_ line: UnsafeBufferPointer<UInt8>, onLine: ((Int, Int) -> Void)?) {
            lineNumber += 1
            masked.mask(line)
            let template = miner.add(masked, line: line, lineNumber: lineNumber)
            onLine?(lineNumber, Int(template))

            let a = analyzer
            var score: Int8 = 0
            var negated = false
            var stepCandidate = false
            candidates.removeAll(keepingCapacity: true)
            a.automaton.scanPositions(line) { id, end in
                let index = Int(id)
                if index < a.keywordBase {
                    candidates.append(id)
                } else if index < a.negationBase {
                    let k = index - a.keywordBase
                    let weight = a.keywordWeights[k]
                    guard weight > score else { return }
                    if a.keywordEdges[k] {
                        let start = end - a.keywordLengths[k] + 1
                        let before = start > 0 && LogAnalyzer.isLetter(line[start - 1])
                        let after = end + 1 < line.count && LogAnalyzer.isLetter(line[end + 1])
                        if before && after { return }
                    }
                    score = weight
                } else if index < a.stepBase {
                    negated = true
                } else {
                    stepCandidate = true
                }
            }
            if negated { score = min(score, 1) }
            var stepEnd = false
            if stepCandidate {
                let text = String(decoding: line.prefix(LineRing.keptBytes), as: UTF8.self)
                let range = NSRange(text.startIndex..., in: text)
                stepEnd = ErrorVocabulary.stepFailure.firstMatch(in: text, range: range) != nil
                if stepEnd { score = max(score, 2) }
            }
            var signature = false
            if !candidates.isEmpty {
                checked.removeAll(keepingCapacity: true)
                for literal in candidates {
                    let owner = a.catalogue.literalOwners[Int(literal)]
                    let key = owner.signature << 16 | owner.rule
                    if checked.contains(key) { continue }
                    checked.append(key)
                    if a.catalogue.confirm(signature: owner.signature, rule: owner.rule, bytes: line) {
                        let number = lineNumber
                        if hits[owner.signature] == nil {
                            hits[owner.signature] = SignatureTally(example: String(decoding: line.prefix(LineRing.keptBytes), as: UTF8.self))
                        }
                        hits[owner.signature]!.record(number)
                        signature = true
                    }
                }
                if signature { score = max(score, 3) }
            }
            collector.observe(line, number: lineNumber, template: template, score: score, signature: signature, stepEnd: stepEnd)
        }
    }

    /// Lines kept before a failed step's end: what the excerpt offers, and some to spare.
    var stepContext: Int { min(190, max(40, options.stepLines + 10)) }

    @inline(__always)
    static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) &- 0x61 < 26
    }

    // MARK: - Report

    struct SignatureTally {
        var example: String
        var count = 0
        var first: [Int] = []
        var last: [Int] = []

        mutating func record(_ line: Int) {
            count += 1
            if first.count < 5 {
                first.append(line)
            } else {
                if last.count == 3 { last.removeFirst() }
                last.append(line)
            }
        }

        var lines: [Int] { first + last }
    }

    private func report(_ totals: LogLineReader.Totals, miner: TemplateMiner, collector: EvidenceCollector,
                        hits: [Int: SignatureTally]) -> LogAnalysis {
        let order = miner.clusters.indices.sorted {
            let a = miner.clusters[$0], b = miner.clusters[$1]
            return a.count != b.count ? a.count > b.count : a.firstLine < b.firstLine
        }
        let limited = options.templateLimit.map { Array(order.prefix(max(0, $0))) } ?? order
        let templates = limited.map { index in
            let cluster = miner.clusters[index]
            let sample = redactor.redact(cluster.sample)
            return LogAnalysis.Template(id: index, pattern: safePattern(miner.pattern(Int32(index)), sample: cluster.sample, redactedSample: sample),
                                        count: cluster.count, firstLine: cluster.firstLine, sample: sample)
        }
        let signatureHits = hits.sorted { ($0.value.first[0], $0.key) < ($1.value.first[0], $1.key) }.map { index, tally in
            let signature = catalogue.signatures[index]
            return LogAnalysis.SignatureHit(id: signature.id, title: signature.title, hint: signature.hint,
                                            category: signature.category, count: tally.count, lines: tally.lines,
                                            example: redactor.redact(ExcerptBuilder.display(tally.example, limit: 300)))
        }
        let blocks = collector.blocks
        let tail = collector.ring.last(collector.limits.tail)
        let builder = ExcerptBuilder(budget: options.tokenBudget, stepLines: max(0, options.stepLines))
        let excerpt = redactor.redact(builder.build(ExcerptBuilder.Input(
            blocks: blocks,
            stepBlocks: collector.stepBlocks,
            failedStep: collector.failedStep,
            tail: tail,
            totalLines: totals.lines,
            totalBytes: totals.bytes,
            signatureLines: hits.values.flatMap(\.lines).sorted(),
            templates: order.prefix(20).map { (miner.pattern(Int32($0)), miner.clusters[$0].count) },
            templateCounts: miner.clusters.map(\.count),
            templateCount: miner.clusters.count
        )))
        let keyLines = keyLines(blocks: blocks + collector.stepBlocks, tail: tail, counts: miner.clusters.map(\.count))
        return LogAnalysis(
            lineCount: totals.lines,
            byteCount: totals.bytes,
            truncatedLines: totals.truncatedLines,
            templateCount: miner.clusters.count,
            signatures: signatureHits,
            keyLines: keyLines,
            templates: templates,
            excerpt: excerpt,
            excerptTokens: TokenEstimate.tokens(excerpt),
            summary: summary(totals, templateCount: miner.clusters.count, signatures: signatureHits, keyLines: keyLines)
        )
    }

    /// The strongest evidence: signature lines first, then failure words on rare lines (a line
    /// repeated hundreds of times is the build's noise), later lines preferred on ties.
    private func keyLines(blocks: [ErrorBlock], tail: [KeptLine], counts: [Int]) -> [LogAnalysis.KeyLine] {
        var all: [Int: KeptLine] = [:]
        for block in blocks { for line in block.lines where line.score >= 3 || line.signature { all[line.number] = line } }
        for line in tail where line.score >= 3 || line.signature { all[line.number] = line }
        let scorer = ExcerptBuilder(budget: options.tokenBudget)
        let ranked = all.values.map { ($0, scorer.weight($0, counts: counts)) }.sorted { a, b in
            if a.0.signature != b.0.signature { return a.0.signature }
            if a.1 != b.1 { return a.1 > b.1 }
            return a.0.number > b.0.number
        }.map(\.0)
        return ranked.prefix(max(0, options.keyLineLimit)).sorted { $0.number < $1.number }.map {
            LogAnalysis.KeyLine(line: $0.number, text: redactor.redact(ExcerptBuilder.display($0.text, limit: 300)))
        }
    }

    private func summary(_ totals: LogLineReader.Totals, templateCount: Int,
                         signatures: [LogAnalysis.SignatureHit], keyLines: [LogAnalysis.KeyLine]) -> String {
        var parts = ["\(totals.lines) lines (\(totals.bytes) bytes) folded into \(templateCount) templates."]
        if signatures.isEmpty {
            parts.append("No known failure signature matched.")
        } else {
            let titles = signatures.map { "\($0.title) (line \($0.lines[0]))" }
            parts.append("Known failures: " + titles.joined(separator: "; ") + ".")
        }
        if let last = keyLines.last {
            parts.append("Last error line \(last.line): \(ExcerptBuilder.display(last.text, limit: 160))")
        }
        return parts.joined(separator: " ")
    }
}
