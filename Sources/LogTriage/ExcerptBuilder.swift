import Foundation

/// Chooses what of a log goes to Claude within a token budget.
///
/// In order of priority: the tail; the output just before the first failed step (a command's
/// non-zero exit); windows around signature hits; then error blocks ranked by evidence,
/// where a failure word on a rare line weighs more than one on a line repeated a thousand
/// times; then the output before the last failed step. Blocks much weaker than the best are
/// left out even when the budget allows, so the excerpt is only as long as the evidence.
/// Runs of one template are folded to a few lines and a count; a line whose text is already in
/// the excerpt (the same stack frames under every failed test) is shown once and its later
/// copies are marked; gaps are marked with how many lines were left out, and a short table of
/// the most frequent templates stands for the rest.
struct ExcerptBuilder {
    struct Input {
        var blocks: [ErrorBlock]
        var stepBlocks: [ErrorBlock] = []
        /// The first failed step, from its start to its exit line.
        var failedStep: ClosedRange<Int>? = nil
        var tail: [KeptLine]
        var totalLines: Int
        var totalBytes: Int
        var signatureLines: [Int]
        var templates: [(pattern: String, count: Int)]
        var templateCounts: [Int] = []
        var templateCount: Int
    }

    var budget: Int
    /// Tail lines always offered.
    var tailLines = 12
    /// Lines kept around a signature hit.
    var signatureBefore = 4
    var signatureAfter = 6
    /// Lines offered before a failed step's exit line.
    var stepLines = 30
    /// Runs of one template longer than this are folded.
    var foldRun = 6
    var frequentTemplates = 4
    /// Blocks scoring below this share of the best block are left out.
    var relativeCutoff = 0.3
    /// Evidence inside the first failed step weighs this much more than evidence elsewhere:
    /// warnings of earlier steps and the noise of cleanup steps after it explain less.
    var failedStepWeight = 2.0
    /// Context lines (no failure words) whose template occurs this often are progress noise,
    /// left to the frequent-template table.
    var noiseCount = 200
    /// Whether a line already in the excerpt is shown again.
    var dedupe = true

    func build(_ input: Input) -> String {
        var pool: [Int: KeptLine] = [:]
        for block in input.blocks { for line in block.lines { pool[line.number] = line } }
        for block in input.stepBlocks { for line in block.lines { pool[line.number] = line } }
        for line in input.tail { pool[line.number] = line }

        let folded = foldedNumbers(input)
        var chosen = Set<Int>()
        var spent = 0.0
        let header = headerText(input)
        let limit = Double(budget) - Double(TokenEstimate.tokens(header)) - 2 * Self.markerTokens

        // Lines whose text is already in the excerpt (the same stack frames under every failed
        // test, a retried command's output) are shown once; later copies cost a marker.
        var shown = Set<String>()
        var repeats = Set<Int>()
        func repeatKey(_ line: KeptLine) -> String? {
            guard dedupe, line.text.utf8.count >= Self.repeatMinBytes else { return nil }
            return line.text.trimmingCharacters(in: .whitespaces)
        }
        func cost(_ numbers: [Int]) -> Double {
            var total = 0.0
            var last = -2
            var inFold = false
            var seen: Set<String> = []
            for n in numbers.sorted() where !chosen.contains(n) {
                guard let line = pool[n] else { continue }
                var isRepeat = false
                if let key = repeatKey(line), !folded.contains(n) {
                    isRepeat = shown.contains(key) || seen.contains(key)
                    seen.insert(key)
                }
                if folded.contains(n) || isRepeat {
                    if !inFold { total += Self.markerTokens }
                    inFold = true
                    last = n
                    continue
                }
                inFold = false
                total += TokenEstimate.lineTokens(Self.excerptLine(line.text))
                if n > last + 1 + line.blanksBefore { total += Self.markerTokens }
                last = n
            }
            return total
        }
        /// Adds a stretch whole if it fits, else the lines nearest `focus` that fit.
        func isNoise(_ n: Int) -> Bool {
            guard let line = pool[n], line.score == 0, !line.signature, n != focusLine else { return false }
            let t = Int(line.template)
            return t < input.templateCounts.count && input.templateCounts[t] >= noiseCount
        }
        var focusLine = -1
        func offer(_ numbers: [Int], focus: Int) {
            focusLine = focus
            let numbers = numbers.filter { pool[$0] != nil && !chosen.contains($0) && !isNoise($0) }
            guard !numbers.isEmpty else { return }
            let whole = cost(numbers)
            if spent + whole <= limit {
                spent += whole
                for n in numbers.sorted() { take(n) }
                return
            }
            let ordered = numbers.sorted { abs($0 - focus) < abs($1 - focus) }
            for n in ordered {
                let c = cost([n])
                if spent + c > limit { break }
                spent += c
                take(n)
            }
        }
        func take(_ n: Int) {
            guard chosen.insert(n).inserted, let line = pool[n], !folded.contains(n), let key = repeatKey(line) else { return }
            if !shown.insert(key).inserted { repeats.insert(n) }
        }

        let sortedPool = pool.keys.sorted()
        func window(_ center: Int, before: Int, after: Int) -> [Int] {
            sortedPool.filter { $0 >= center - before && $0 <= center + after }
        }

        // 1. The tail.
        let tail = input.tail.suffix(tailLines).map(\.number)
        offer(tail, focus: tail.last ?? 0)
        // 2. What the first failed step printed last.
        if let step = input.stepBlocks.first, let end = step.lines.last?.number {
            offer(step.lines.suffix(stepLines).map(\.number), focus: end)
        }
        // 3. Known failures, first and last hits.
        for hit in input.signatureLines.prefix(3) + input.signatureLines.suffix(3) {
            offer(window(hit, before: signatureBefore, after: signatureAfter), focus: hit)
        }
        // 4. Error blocks by evidence.
        let scored = input.blocks.map { block in
            let inStep = input.failedStep.map { block.first <= $0.upperBound && block.last >= $0.lowerBound } ?? false
            return (block, evidence(block, counts: input.templateCounts) * (inStep ? failedStepWeight : 1))
        }
        let best = scored.map(\.1).max() ?? 0
        let ranked = scored.enumerated().sorted { a, b in
            a.element.1 != b.element.1 ? a.element.1 > b.element.1 : a.offset > b.offset
        }
        for (_, entry) in ranked where best > 0 && entry.1 >= best * relativeCutoff {
            let block = entry.0
            let focus = strongest(block, counts: input.templateCounts)
            offer(block.lines.map(\.number), focus: focus)
        }
        // 5. What the last failed step printed last.
        if input.stepBlocks.count > 1, let step = input.stepBlocks.last, let end = step.lines.last?.number {
            offer(step.lines.suffix(stepLines / 2).map(\.number), focus: end)
        }
        return render(header: header, chosen: chosen.sorted(), pool: pool, folded: folded, repeats: repeats, input: input)
    }

    /// What a gap or fold marker costs, rounded up.
    static let markerTokens = 7.0
    /// Lines shorter than this are shown again rather than marked as repeats (the marker costs as much).
    static let repeatMinBytes = 24

    // MARK: - Evidence

    /// A line's weight: its failure words, a signature or a trace frame, scaled down for
    /// templates that repeat (a line seen once is news; one seen 500 times is the build's noise).
    func weight(_ line: KeptLine, counts: [Int]) -> Double {
        var w = Double(max(0, line.score))
        if line.signature { w += 3 }
        if line.trace { w += 0.5 }
        guard w > 0 else { return 0 }
        let count = Int(line.template) < counts.count ? counts[Int(line.template)] : 1
        return w / (1 + log2(Double(max(1, count))))
    }

    func evidence(_ block: ErrorBlock, counts: [Int]) -> Double {
        let weights = block.lines.map { weight($0, counts: counts) }.sorted(by: >)
        guard let top = weights.first else { return 0 }
        return top + 0.25 * weights.dropFirst().prefix(4).reduce(0, +)
    }

    private func strongest(_ block: ErrorBlock, counts: [Int]) -> Int {
        block.lines.max { weight($0, counts: counts) < weight($1, counts: counts) }?.number ?? block.first
    }

    // MARK: - Rendering

    /// Lines inside long same-template runs that are shown as a count instead.
    private func foldedNumbers(_ input: Input) -> Set<Int> {
        var folded = Set<Int>()
        var stretches: [[KeptLine]] = input.blocks.map(\.lines) + input.stepBlocks.map(\.lines)
        stretches.append(input.tail)
        for lines in stretches {
            var start = 0
            while start < lines.count {
                var end = start + 1
                while end < lines.count, lines[end].template == lines[start].template,
                      lines[end].number == lines[end - 1].number + 1, lines[end].score < 3, !lines[end].signature {
                    end += 1
                }
                // A fold keeps the run's first two lines and its last, so it needs four or more.
                if end - start > max(foldRun, 3) {
                    for k in (start + 2)..<(end - 1) { folded.insert(lines[k].number) }
                }
                start = end
            }
        }
        return folded
    }

    private func headerText(_ input: Input) -> String {
        var text = "[log: \(input.totalLines) lines, \(input.templateCount) templates; excerpt below, gaps marked]\n"
        let frequent = input.templates.prefix(frequentTemplates).filter { $0.count > 1 }
        if !frequent.isEmpty {
            text += "[most frequent templates]\n"
            for template in frequent {
                text += "  ×\(template.count) \(Self.display(template.pattern, limit: 100))\n"
            }
        }
        return text
    }

    private func render(header: String, chosen: [Int], pool: [Int: KeptLine], folded: Set<Int>, repeats: Set<Int>, input: Input) -> String {
        var out = header
        var previous = 0
        var foldCount = 0
        var foldTemplate: Int32 = -1
        var repeatCount = 0
        func flushFold() {
            if foldCount > 0 {
                out += "[… \(foldCount) more lines of the same form]\n"
                foldCount = 0
            }
            if repeatCount > 0 {
                out += "[… \(repeatCount) line\(repeatCount == 1 ? "" : "s") shown elsewhere in this excerpt]\n"
                repeatCount = 0
            }
        }
        for n in chosen {
            guard let line = pool[n] else { continue }
            if n > previous + 1 + line.blanksBefore {
                flushFold()
                let gap = n - previous - 1
                out += "[… \(gap) line\(gap == 1 ? "" : "s") omitted]\n"
            }
            previous = n
            if repeats.contains(n) {
                if foldCount > 0 { flushFold() }
                repeatCount += 1
                continue
            }
            if folded.contains(n) {
                if foldTemplate != line.template || repeatCount > 0 { flushFold() }
                foldTemplate = line.template
                foldCount += 1
                continue
            }
            flushFold()
            out += Self.excerptLine(line.text) + "\n"
        }
        flushFold()
        if previous < input.totalLines {
            let gap = input.totalLines - previous
            out += "[… \(gap) line\(gap == 1 ? "" : "s") omitted]\n"
        }
        return out
    }

    /// An excerpt line: a long line is cut, and the cut is marked on a line of its own, so what
    /// is shown stays a verbatim piece of the log.
    static func excerptLine(_ text: String, limit: Int = 400) -> String {
        let count = text.unicodeScalars.count
        if count <= limit { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit))) + "\n[… rest of the line cut]"
    }

    /// Long lines are cut for display.
    static func display(_ text: String, limit: Int = 400) -> String {
        if text.unicodeScalars.count <= limit { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit))) + "…"
    }
}
