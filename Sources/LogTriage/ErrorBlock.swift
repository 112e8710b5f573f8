/// A run of consecutive lines around failure evidence: context before, the error lines,
/// any stack trace that follows, and a little context after.
struct ErrorBlock: Sendable {
    var lines: [KeptLine] = []
    var maxScore: Int8 = 0
    var errorLines = 0
    var hasSignature = false
    var hasTrace = false

    var first: Int { lines.first?.number ?? 0 }
    var last: Int { lines.last?.number ?? 0 }

    mutating func append(_ line: KeptLine) {
        lines.append(line)
        maxScore = max(maxScore, line.score)
        if line.score >= 2 { errorLines += 1 }
        if line.signature { hasSignature = true }
        if line.trace { hasTrace = true }
    }
}
