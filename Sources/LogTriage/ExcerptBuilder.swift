/// Chooses what of a log goes to Claude within a token budget.
///
/// In order of priority: windows around signature hits, the tail, the last error block,
/// then other error blocks (stronger and later first). Runs of one template inside a kept
/// stretch are folded to a few lines and a count; gaps are marked with how many lines were
/// left out, and a short table of the most frequent templates stands for the rest.
struct ExcerptBuilder {
    struct Input {
        var blocks: [ErrorBlock]
        var tail: [KeptLine]
        var totalLines: Int
        var totalBytes: Int
        var signatureLines: [Int]
        var templates: [(pattern: String, count: Int)]
        var templateCount: Int
    }

    var budget: Int
    /// Tail lines always offered first.
    var tailLines = 20
    /// Lines kept around a signature hit.
    var signatureBefore = 3
    var signatureAfter = 8
    /// Runs of one template longer than this are folded.
    var foldRun = 8
    var frequentTemplates = 6
    /// Blocks whose strongest line scores below this are only used if nothing else is left.
    var minimumBlockScore: Int8 = 3

    func build(_ input: Input) -> String {
        var pool: [Int: KeptLine] = [:]
        for block in input.blocks { for line in block.lines { pool[line.number] = line } }
        for line in input.tail { pool[line.number] = line }

        let folded = foldedNumbers(input)
        var chosen = Set<Int>()
        var spent = 0.0
        let header = headerText(input)
        let limit = Double(budget) - Double(TokenEstimate.tokens(header)) - 16

        func cost(_ numbers: [Int]) -> Double {
            var total = 0.0
            for n in numbers where !chosen.contains(n) && !folded.contains(n) {
                if let line = pool[n] { total += TokenEstimate.lineTokens(Self.display(line.text)) }
            }
            return total + 3
        }
        /// Adds a stretch whole if it fits, else the part nearest `focus` that fits.
        func offer(_ numbers: [Int], focus: Int) {
            let numbers = numbers.filter { pool[$0] != nil }
            guard !numbers.isEmpty else { return }
            if spent + cost(numbers) <= limit {
                spent += cost(numbers)
                chosen.formUnion(numbers)
                return
            }
            let ordered = numbers.sorted { abs($0 - focus) < abs($1 - focus) }
            for n in ordered {
                let c = cost([n]) - 3
                if spent + c > limit { break }
                spent += c
                chosen.insert(n)
            }
        }

        let sortedPool = pool.keys.sorted()
        for hit in input.signatureLines.prefix(8) {
            offer(sortedPool.filter { $0 >= hit - signatureBefore && $0 <= hit + signatureAfter }, focus: hit)
        }
        let tail = input.tail.suffix(tailLines).map(\.number)
        offer(tail, focus: tail.last ?? 0)
        let ranked = input.blocks.enumerated().sorted { a, b in
            if a.element.maxScore != b.element.maxScore { return a.element.maxScore > b.element.maxScore }
            return a.offset > b.offset
        }
        if let lastBlock = input.blocks.last(where: { $0.maxScore >= minimumBlockScore || $0.hasSignature }) {
            offer(lastBlock.lines.map(\.number), focus: lastBlock.lines.last(where: { $0.score >= 2 })?.number ?? lastBlock.last)
        }
        for (_, block) in ranked where block.maxScore >= minimumBlockScore || block.hasSignature {
            offer(block.lines.map(\.number), focus: block.lines.first(where: { $0.score >= 2 })?.number ?? block.first)
        }
        return render(header: header, chosen: chosen.sorted(), pool: pool, folded: folded, input: input)
    }

    /// Lines inside long same-template runs that are shown as a count instead.
    private func foldedNumbers(_ input: Input) -> Set<Int> {
        var folded = Set<Int>()
        var stretches: [[KeptLine]] = input.blocks.map(\.lines)
        stretches.append(input.tail)
        for lines in stretches {
            var start = 0
            while start < lines.count {
                var end = start + 1
                while end < lines.count, lines[end].template == lines[start].template,
                      lines[end].number == lines[end - 1].number + 1, lines[end].score < 3 {
                    end += 1
                }
                if end - start > foldRun {
                    for k in (start + 3)..<(end - 1) { folded.insert(lines[k].number) }
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
                text += "  ×\(template.count) \(Self.display(template.pattern, limit: 120))\n"
            }
        }
        return text
    }

    private func render(header: String, chosen: [Int], pool: [Int: KeptLine], folded: Set<Int>, input: Input) -> String {
        var out = header
        var previous = 0
        var foldCount = 0
        var foldTemplate: Int32 = -1
        func flushFold() {
            if foldCount > 0 {
                out += "[… \(foldCount) more lines of the same form]\n"
                foldCount = 0
            }
        }
        for n in chosen {
            guard let line = pool[n] else { continue }
            if n > previous + 1 {
                flushFold()
                let gap = n - previous - 1
                out += "[… \(gap) line\(gap == 1 ? "" : "s") omitted]\n"
            }
            previous = n
            if folded.contains(n) {
                if foldTemplate != line.template { flushFold() }
                foldTemplate = line.template
                foldCount += 1
                continue
            }
            flushFold()
            out += Self.display(line.text) + "\n"
        }
        flushFold()
        if previous < input.totalLines {
            let gap = input.totalLines - previous
            out += "[… \(gap) line\(gap == 1 ? "" : "s") omitted]\n"
        }
        return out
    }

    /// Long lines are cut for display.
    static func display(_ text: String, limit: Int = 400) -> String {
        if text.unicodeScalars.count <= limit { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit))) + "…"
    }
}
